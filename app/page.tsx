import { redirect } from "next/navigation";
import { homePath } from "@/lib/auth/sections";
import { requirePageUser } from "@/lib/auth/session";

// Each role starts on the first section it may open (an operator on their assertion).
export default async function Home() {
  const user = await requirePageUser();
  redirect(homePath(user.role));
}
