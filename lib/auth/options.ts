// next-auth configuration: credentials sign-in with JWT sessions. Identity providers
// are listed in one place (identityProviders) so an OIDC provider such as Entra ID or
// Keycloak can be added beside the password provider; whatever signs a person in, the
// role always comes from our User table, never from the provider.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { forwardedClient } from "@/proxy/source-address";

/** The caller's address as our server saw it (scripts/serve.ts overwrites what the client sent). */
export function clientAddress(headers: Record<string, string | string[] | undefined> | Headers): string {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : [headers[name]].flat()[0]);
  return forwardedClient(get("x-forwarded-for")) ?? get("x-real-ip") ?? "unknown";
}

function identityProviders(): NextAuthOptions["providers"] {
  const config = loadConfig();
  return [
    CredentialsProvider({
      id: "credentials",
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          return await signInWithPassword({
            db: db(),
            limits: config.signInLimits,
            credentials,
            ip: clientAddress(req.headers ?? {}),
          });
        } catch (error) {
          // next-auth passes the thrown message to the sign-in page as ?error=<code>.
          if (error instanceof AppError) throw new Error(error.code);
          logger.error({ err: error }, "sign-in failed");
          throw new Error("internal");
        }
      },
    }),
  ];
}

export function authOptions(): NextAuthOptions {
  const config = loadConfig();
  return {
    secret: config.authSecret,
    providers: identityProviders(),
    session: { strategy: "jwt", maxAge: config.sessionMaxAgeSeconds },
    jwt: { maxAge: config.sessionMaxAgeSeconds },
    pages: { signIn: "/signin", error: "/signin" },
    logger: {
      // An expired or foreign session token is routine (the user signs in again), not an error.
      error: (code, metadata) =>
        code === "JWT_SESSION_ERROR" ? logger.info({ code }, "session token refused") : logger.error({ code, metadata }, "next-auth error"),
      warn: (code) => logger.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
    callbacks: sessionCallbacks,
  };
}

/** What a session token carries from sign-in, and what the session built from it shows. */
export const sessionCallbacks = {
  async jwt({ token, user }) {
    if (user) {
      token.uid = user.id;
      token.role = user.role;
      token.sessionVersion = user.sessionVersion;
    }
    return token;
  },
  async session({ session, token }) {
    session.user = { id: token.uid, email: token.email ?? "", name: token.name ?? "", role: token.role, sessionVersion: token.sessionVersion };
    return session;
  },
} satisfies NextAuthOptions["callbacks"];
