/** Request header through which proxy.ts tells pages which path was asked for. */
export const requestPathHeader = "x-conduit-request-path";

// Any origin serves for the check: a value that starts with one "/" and passes the
// character test has no scheme or host of its own, so it keeps whichever origin it is
// resolved against. A reserved name (RFC 2606) keeps this module free of configuration.
const appOrigin = "http://conduit-ledger.invalid";

// Browsers drop tab and newline from URLs and read "\" as "/", so "/\t/evil.example"
// arrives as "//evil.example", another site. Such characters have no place in our paths,
// also not percent-encoded (a second decoding somewhere must not produce them either).
const unsafeCharacter = /[\u0000-\u001f\u007f-\u009f\\]|%(?:[01][0-9a-f]|7f|5c)/i;

function sameOriginPath(value: string): string | null {
  if (!value.startsWith("/") || value.startsWith("//") || unsafeCharacter.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return null;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which would read as a host.
  return url.origin === appOrigin && !path.startsWith("//") ? path : null;
}

/**
 * Only same-site paths: a crafted sign-in link must not send a signed-in user to another
 * site. Anything else goes to "/", which sends each role to its own start page. The value
 * is returned as the URL parser resolved it, so the browser goes where we checked.
 */
export function safeCallbackUrl(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  return (path ? sameOriginPath(path) : null) ?? "/";
}
