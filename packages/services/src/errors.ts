// One error taxonomy (CONVENTIONS §9). Transports map `code` once: tRPC in packages/api/trpc,
// HTTP in packages/api/rest. Anything that is not a DomainError is an internal error and its
// message never reaches a client.
export const ERROR_CODES = ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "VALIDATION", "RATE_LIMITED", "PRECONDITION_FAILED", "UNAVAILABLE"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const unauthorized = (message = "Authentication required") => new DomainError("UNAUTHORIZED", message);
export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);
export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string) => new DomainError("CONFLICT", message);
export const validation = (message: string, details?: Record<string, unknown>) => new DomainError("VALIDATION", message, details);
export const rateLimited = (message: string, retryAfterSeconds: number) => new DomainError("RATE_LIMITED", message, { retryAfterSeconds });
export const preconditionFailed = (message: string) => new DomainError("PRECONDITION_FAILED", message);
/** A dependency (the job runner) could not take the request now; retrying later may work. */
export const unavailable = (message: string) => new DomainError("UNAVAILABLE", message);

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
