// Every HTTP error leaves as { error: { code, message, details? } }. Codes are a closed catalogue
// (documented in docs/api.md; a test keeps both in step).

export const HTTP_ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  CONFLICT: 409,
  CREDENTIALS_MISSING: 409,
  NUMBER_IMPORT_FAILED: 400,
  NUMBER_PROVISIONING_IN_PROGRESS: 409,
  NUMBER_UNAVAILABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_READY: 503,
  INTERNAL: 500,
} as const;
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;

export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  constructor(readonly code: HttpErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.status = HTTP_ERROR_CODES[code];
  }
  toBody(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
