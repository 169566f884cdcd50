// One mapping per transport from the service error taxonomy (CONVENTIONS §9). Unknown errors are
// logged with the request id and reach the client only as a generic internal error.
import type { ErrorCode } from "@holdfast/services";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VALIDATION: 400,
  RATE_LIMITED: 429,
  PRECONDITION_FAILED: 412,
  UNAVAILABLE: 503,
};

export const TRPC_CODE = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  VALIDATION: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const satisfies Record<ErrorCode, string>;

/** Wire codes are lower snake case: `not_found`, `rate_limited`, … plus `internal`. */
export const wireCode = (code: ErrorCode | "INTERNAL") => code.toLowerCase();
