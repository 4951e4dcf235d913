import type { Role } from "@/lib/db";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; sessionVersion: number };
  }
  interface User {
    role: Role;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: string;
    role: Role;
    sessionVersion: number;
  }
}
