// The caller's address behind a trusted reverse proxy. Such a proxy appends the address it
// saw to X-Forwarded-For; anything before it came from the client, who can write anything
// there (say, another workstation's address, to hide a stolen token). So only the last
// entry counts, here and for the sign-in rate limit (lib/auth/options.ts).

/** The last address in an X-Forwarded-For value, or null when there is none. */
export function forwardedClient(header: string | string[] | null | undefined): string | null {
  const value = Array.isArray(header) ? header.join(",") : header;
  const last = value?.split(",").at(-1)?.trim();
  return last || null;
}
