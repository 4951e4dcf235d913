// Where device tokens travel and how a device's request becomes the upstream one:
// every place a device token can be is read by deviceToken and stripped by
// upstreamRequest, so a device credential never reaches a provider.
import { HeaderList } from "@/proxy/answer";
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

/**
 * What of a device's request besides its body a provider gets: an allow-list of request
 * headers (beyond content-type and accept) and query parameters. Everything else stays in
 * the plant: credentials in any header or parameter (x-forwarded-authorization,
 * x-amz-security-token, ?api-key=), cookies, SDK telemetry that describes the machine,
 * and headers that name plant hosts and addresses.
 */
export interface ForwardedFields {
  headers: readonly string[];
  query: readonly string[];
}

const alwaysForwardedHeaders = ["content-type", "accept"];

export interface ProviderKeyPlace {
  header: CredentialHeader;
  /** `Bearer ` for Authorization, nothing for the api-key style headers. */
  prefix: string;
}

export function buildUpstreamRequest(options: UpstreamRequestOptions & { keyPlace: ProviderKeyPlace; forwards: ForwardedFields }): UpstreamRequest {
  // A HeaderList, which the upstream client writes as it is (cheaper than a Headers).
  const headers = new HeaderList();
  for (const names of [alwaysForwardedHeaders, options.forwards.headers, options.extraHeaders ?? []]) {
    for (const name of names) {
      const value = options.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
  }
  if (options.apiKey !== null) {
    // A HeaderList does not validate values; a key stored before keys were held to visible
    // ASCII must fail here, where the core records it, without the key in the message.
    if (!/^[\x21-\x7e]+$/.test(options.apiKey)) throw new TypeError("The provider key cannot be sent in a header.");
    headers.set(options.keyPlace.header, `${options.keyPlace.prefix}${options.apiKey}`);
  }

  let query = "";
  if (options.forwards.query.length > 0) {
    const search = new URLSearchParams();
    for (const name of options.forwards.query) for (const value of options.search.getAll(name)) search.append(name, value);
    query = search.toString();
  }
  return { url: `${joinedUpstreamUrl({ baseUrl: options.baseUrl, path: options.path })}${query ? `?${query}` : ""}`, headers };
}

// Devices call the same few paths: their joined URLs are remembered (two URL parses a call
// saved), up to a bound, as paths come from the caller.
const joinedUrls = new Map<string, string>();
const maxJoinedUrls = 1000;

function joinedUpstreamUrl(options: { baseUrl: string; path: string }): string {
  const key = `${options.baseUrl}\n${options.path}`;
  let url = joinedUrls.get(key);
  if (url === undefined) {
    url = joinUpstreamUrl(options);
    if (joinedUrls.size >= maxJoinedUrls) joinedUrls.clear();
    joinedUrls.set(key, url);
  }
  return url;
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

/**
 * Refuses a provider path that servers on the way could read differently from this proxy:
 * dot segments (also percent-encoded), NUL, backslashes and encoded slashes. Such a path
 * is never needed by an SDK, and forwarded as it is it could reach another resource than
 * the one authorised and recorded.
 */
export function checkProviderPath(path: string): void {
  if (/[\\\0]|%(?:00|5c|2f)/i.test(path)) {
    throw new ProviderRequestError({ code: "invalid_path", message: "The provider path holds a NUL, a backslash or an encoded slash." });
  }
  for (const segment of path.split("/")) {
    const plain = segment.replace(/%2e/gi, ".");
    if (plain === "." || plain === "..") throw new ProviderRequestError({ code: "invalid_path", message: "The provider path holds a dot segment." });
  }
}

export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ProviderRequestError({ code: "invalid_path", message: "The provider path is not validly percent-encoded." });
  }
}
