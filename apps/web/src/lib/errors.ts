// Turning whatever a tRPC call threw into something a person can act on. The server's formatter
// (packages/api/src/trpc/errors.ts) already hides internals; this only picks the right words.
export interface ClientErrorData {
  code?: string;
  httpStatus?: number;
  domainCode?: string | null;
  fieldErrors?: Record<string, string[]> | null;
  requestId?: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function errorData(err: unknown): ClientErrorData {
  if (!isRecord(err) || !isRecord(err.data)) return {};
  return err.data;
}

const FALLBACK: Record<string, string> = {
  UNAUTHORIZED: "Your session has ended. Sign in again to continue.",
  FORBIDDEN: "Your role does not allow this.",
  NOT_FOUND: "That no longer exists, or you do not have access to it.",
  TOO_MANY_REQUESTS: "Too many attempts. Wait a moment and try again.",
};

/** One sentence for an alert. Network failures and unknown errors get a generic, honest message. */
export function errorMessage(err: unknown): string {
  const data = errorData(err);
  const message = isRecord(err) && typeof err.message === "string" ? err.message : "";
  if (!data.code) {
    if (/fetch|network|Failed to fetch/i.test(message)) return "Could not reach Holdfast. Check your connection and try again.";
    return "Something went wrong. Try again.";
  }
  if (data.domainCode === "internal") return data.requestId ? `Something went wrong on our side (request ${data.requestId}). Try again.` : "Something went wrong on our side. Try again.";
  if (data.fieldErrors && message === "Some fields are not valid") return "Check the highlighted fields.";
  return message || FALLBACK[data.code] || "Something went wrong. Try again.";
}

/** The first message for each field, keyed by input name. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  const fe = errorData(err).fieldErrors;
  if (!fe) return {};
  const out: Record<string, string> = {};
  for (const [k, msgs] of Object.entries(fe)) if (msgs[0]) out[k] = msgs[0];
  return out;
}

export function isNotFound(err: unknown): boolean {
  return errorData(err).code === "NOT_FOUND";
}
