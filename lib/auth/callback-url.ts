/** Request header through which proxy.ts tells pages which path was asked for. */
export const requestPathHeader = "x-conduit-request-path";

/**
 * Only same-site paths: a crafted sign-in link must not send a signed-in user to another
 * site. Anything else goes to "/", which sends each role to its own start page.
 */
export function safeCallbackUrl(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  const sameSite = path && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
  return sameSite ? path : "/";
}
