// Where device tokens travel and how a device's request becomes the upstream one:
// every place a device token can be is read by deviceToken and stripped by
// upstreamRequest, so a device credential never reaches a provider.
import { ProviderRequestError } from "@/proxy/providers/errors";
import type { DeviceTokenOptions, UpstreamRequest, UpstreamRequestOptions } from "@/proxy/providers/types";

/** The headers SDKs put a key in. Each adapter reads them in its own SDK's order first. */
export type CredentialHeader = "authorization" | "x-api-key" | "api-key" | "x-goog-api-key";

export interface CredentialPlaces {
  headers: readonly CredentialHeader[];
  /** Gemini's `?key=`. */
  queryKey: boolean;
}

export function findDeviceToken(options: DeviceTokenOptions & { places: CredentialPlaces }): string | null {
  for (const name of options.places.headers) {
    const value = options.headers.get(name)?.trim();
    if (!value) continue;
    if (name !== "authorization") return value;
    const bearer = /^bearer\s+(\S+)$/i.exec(value);
    if (bearer) return bearer[1]!;
  }
  if (options.places.queryKey) return options.search.get("key")?.trim() || null;
  return null;
}

// Every credential header (whichever a device used), hop-by-hop headers (RFC 9110
// 7.6.1), headers fetch sets itself, cookies, and headers that describe the plant
// network (addresses, host names) to the outside.
const droppedHeaders = new Set<string>([
  "authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
  "accept-encoding",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "via",
  "origin",
  "referer",
]);

export interface ProviderKeyPlace {
  header: CredentialHeader;
  /** `Bearer ` for Authorization, nothing for the api-key style headers. */
  prefix: string;
}

export function buildUpstreamRequest(options: UpstreamRequestOptions & { keyPlace: ProviderKeyPlace }): UpstreamRequest {
  const listedInConnection = new Set(
    (options.headers.get("connection") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  for (const [name, value] of options.headers) {
    if (droppedHeaders.has(name) || listedInConnection.has(name) || name.startsWith("x-conduit-")) continue;
    headers.append(name, value);
  }
  if (options.apiKey !== null) headers.set(options.keyPlace.header, `${options.keyPlace.prefix}${options.apiKey}`);

  const search = new URLSearchParams(options.search);
  // A device may put its token in ?key= whatever the provider; no provider key travels in the URL.
  search.delete("key");
  const query = search.toString();
  return { url: `${joinUpstreamUrl({ baseUrl: options.baseUrl, path: options.path })}${query ? `?${query}` : ""}`, headers };
}

/**
 * Joins the destination's base URL and the provider path. A base URL may already end
 * with the version segment the SDK sends (https://eu.api.openai.com/v1 + /v1/chat/completions);
 * the overlap is kept once. The result must stay under the base URL: dot segments
 * (also percent-encoded) that climb out of it are refused.
 */
export function joinUpstreamUrl(options: { baseUrl: string; path: string }): string {
  const base = new URL(options.baseUrl);
  if (!options.path.startsWith("/") || /[?#]/.test(options.path)) {
    throw new ProviderRequestError({ code: "invalid_path", message: "The provider path is not a valid path." });
  }
  const baseSegments = base.pathname.split("/").filter(Boolean);
  const pathSegments = options.path.split("/").slice(1);
  let overlap = Math.min(baseSegments.length, pathSegments.length);
  while (overlap > 0 && !sameSegments(baseSegments.slice(-overlap), pathSegments.slice(0, overlap))) overlap--;
  const basePath = baseSegments.length > 0 ? `/${baseSegments.join("/")}` : "";
  const joined = new URL(`${base.origin}${basePath}/${pathSegments.slice(overlap).join("/")}`);
  if (joined.origin !== base.origin || !`${joined.pathname}/`.startsWith(`${basePath}/`)) {
    throw new ProviderRequestError({ code: "invalid_path", message: "The provider path leaves the destination." });
  }
  return joined.href;
}

function sameSegments(a: string[], b: string[]): boolean {
  return a.every((segment, i) => segment === b[i]);
}

export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ProviderRequestError({ code: "invalid_path", message: "The provider path is not validly percent-encoded." });
  }
}
