// Google's JSON error envelope (https://cloud.google.com/apis/design/errors#http_mapping and the
// legacy `errors[]` array the Gmail and Admin SDK APIs still send):
// { "error": { "code", "message", "errors": [{ "message", "domain", "reason" }], "status" } }
export const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
};

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: string,
    readonly statusName: string = STATUS_NAMES[code] ?? "UNKNOWN",
    readonly extra: Record<string, string> = {},
    /** google.rpc details (ErrorInfo…), for APIs that send them (People). */
    readonly details?: Record<string, unknown>[],
  ) {
    super(message);
  }

  body() {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: "global", reason: this.reason, ...this.extra }],
        status: this.statusName,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

export const notFound = () => new GoogleApiError(404, "Requested entity was not found.", "notFound");
export const invalidArgument = (message: string) => new GoogleApiError(400, message, "invalidArgument");
export const forbidden = (message: string) => new GoogleApiError(403, message, "forbidden");

/** What the fault injector sends, per status, in Google's words. */
export function googleFaultError(status: number): GoogleApiError {
  switch (status) {
    case 429:
      return new GoogleApiError(429, "User-rate limit exceeded. Retry after the time given in Retry-After.", "rateLimitExceeded");
    case 503:
      return new GoogleApiError(503, "The service is currently unavailable.", "backendError");
    default:
      return new GoogleApiError(500, "Internal error encountered.", "backendError");
  }
}
