// next-auth's endpoints (sign-in, sign-out, session, CSRF). Bodies are tiny forms;
// anything larger is refused before next-auth parses it.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";

const maxSignInBodyBytes = 8 * 1024;

type NextAuthContext = { params: Promise<{ nextauth: string[] }> };

async function handle(request: Request, context: NextAuthContext): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (request.method === "POST" && (declared > maxSignInBodyBytes || request.headers.has("transfer-encoding"))) {
    return errorResponse(new AppError({ code: "payload_too_large", message: "The sign-in request is too large." }));
  }
  return NextAuth(authOptions())(request, context);
}

export { handle as GET, handle as POST };
