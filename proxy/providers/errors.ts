// Why a device's request cannot be forwarded, each reason with one HTTP status. The
// message is safe to show the device; it never echoes the body.
export const providerErrorStatus = {
  malformed_json: 400,
  invalid_body: 400,
  invalid_path: 400,
  unsupported_endpoint: 404,
  method_not_allowed: 405,
} as const;

export type ProviderErrorCode = keyof typeof providerErrorStatus;

export class ProviderRequestError extends Error {
  override name = "ProviderRequestError";
  readonly code: ProviderErrorCode;

  constructor(options: { code: ProviderErrorCode; message: string }) {
    super(options.message);
    this.code = options.code;
  }

  get status(): number {
    return providerErrorStatus[this.code];
  }
}

/** A path the destination's kind does not serve, with the path and what it does serve, so the engineer sees the mismatch. */
export function unsupportedEndpoint(options: { path: string; destination: string; forwards: string }): ProviderRequestError {
  const path = options.path.length > 200 ? `${options.path.slice(0, 200)}…` : options.path;
  return new ProviderRequestError({ code: "unsupported_endpoint", message: `The proxy does not forward ${path} to ${options.destination}; it forwards ${options.forwards}.` });
}
