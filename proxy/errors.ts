// Every refusal the proxy gives: an HTTP status and a stable, specific code that the
// calling application, its logs and the audit record all share.
import { jsonAnswer, toResponse, type ProxyAnswer } from "@/proxy/answer";

export const proxyErrorStatus = {
  device_token_missing: 401,
  invalid_device_token: 401,
  device_token_expired: 401,
  device_token_revoked: 401,
  invalid_operator_assertion: 401,
  device_disabled: 403,
  conduit_not_authorized: 403,
  conduit_suspended: 403,
  conduit_expired: 403,
  conduit_not_yet_valid: 403,
  purpose_not_allowed: 403,
  model_not_allowed: 403,
  endpoint_not_allowed: 403,
  data_class_exceeded: 403,
  operator_not_assertable: 403,
  unknown_destination: 404,
  unsupported_endpoint: 404,
  unknown_call_record: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  malformed_request: 400,
  malformed_json: 400,
  invalid_body: 400,
  invalid_path: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  too_many_failed_attempts: 429,
  internal: 500,
  upstream_unreachable: 502,
  provider_key_missing: 503,
  ledger_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ProxyErrorCode = keyof typeof proxyErrorStatus;

export class ProxyError extends Error {
  override name = "ProxyError";
  readonly code: ProxyErrorCode;

  constructor(options: { code: ProxyErrorCode; message: string }) {
    super(options.message);
    this.code = options.code;
  }

  get status(): number {
    return proxyErrorStatus[this.code];
  }
}

/** The proxy's error body: `{error: {code, message}}`, which the providers' SDKs also read. */
export function proxyErrorAnswer(options: { error: ProxyError; headers?: HeadersInit }): ProxyAnswer {
  const { error } = options;
  return jsonAnswer({ value: { error: { code: error.code, message: error.message, type: "conduit_ledger" } }, status: error.status, headers: options.headers });
}

export function proxyErrorResponse(options: { error: ProxyError; headers?: HeadersInit }): Response {
  return toResponse(proxyErrorAnswer(options));
}
