// Microsoft Graph's error envelope (https://learn.microsoft.com/graph/errors):
// { "error": { "code", "message", "innerError": { "date", "request-id", "client-request-id" } } }
// `code` is the string clients branch on (ErrorItemNotFound, ApplicationThrottled,
// syncStateNotFound, …); the HTTP status carries the class of failure.
import { randomUUID } from "node:crypto";

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(clientRequestId?: string) {
    const requestId = randomUUID();
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ""), "request-id": requestId, "client-request-id": clientRequestId ?? requestId },
      },
    };
  }
}

export const itemNotFound = () => new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
export const invalidRequest = (message: string) => new GraphError(400, "ErrorInvalidRequest", message);
export const badRequest = (message: string) => new GraphError(400, "BadRequest", message);
export const accessDenied = () => new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
export const userNotFound = (id: string) => new GraphError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

/** What the fault injector sends, per status, in Graph's words. */
export function graphFaultError(status: number): GraphError {
  switch (status) {
    case 429:
      return new GraphError(429, "TooManyRequests", "Too many requests.");
    case 503:
      return new GraphError(503, "ServiceUnavailable", "The service is currently unavailable.");
    default:
      return new GraphError(500, "InternalServerError", "An internal server error occurred.");
  }
}
