import { redirect } from "next/navigation";
import { homePath } from "@/lib/auth/sections";
import { requirePageUser } from "@/lib/auth/session";

// Each role starts on its own screen (lib/auth/sections.ts): the CISO on incidents, the
// auditor on records, an operator on their assertion.
export default async function Home() {
  const user = await requirePageUser();
  redirect(homePath(user.role));
}
