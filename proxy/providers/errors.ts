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
