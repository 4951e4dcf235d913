// The application's one error type. A code names what went wrong in the domain's
// terms and maps to exactly one HTTP status; the message is safe to show a user.
export const errorStatus = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: { path: string; message: string }[] };
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly issues?: { path: string; message: string }[];

  constructor(options: { code: ErrorCode; message: string; issues?: { path: string; message: string }[] }) {
    super(options.message);
    this.code = options.code;
    this.issues = options.issues;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}
