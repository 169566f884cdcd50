// Google API failures (gaxios errors from googleapis / google-auth-library) folded into
// ConnectorError codes. Shapes, per Google's docs:
// - API errors: `{ error: { code, message, status, errors: [{ reason, domain, location }], details } }`
//   (https://cloud.google.com/apis/design/errors, Drive "Resolve errors", Gmail "Handle errors").
// - Token endpoint errors (RFC 6749 §5.2): `{ error: "invalid_grant" | "unauthorized_client", error_description }`.
// Only codes, reasons and Google's messages are kept: no request URL, header or token.
import { ConnectorError, isNetworkError, parseRetryAfter, type ConnectorErrorCode } from "../core/errors";

export interface GoogleErrorContext {
  /** What was being done, for the message (`gmail history.list`, `drive files.get`). */
  op: string;
  /**
   * The call reads a change cursor: Gmail history 404, Drive changes 400 `invalid` on
   * `pageToken`, Calendar 410 and People `EXPIRED_SYNC_TOKEN` mean "resync", not "not found".
   */
  cursor?: boolean;
  now?: number;
}

interface ApiErrorBody {
  error?:
    | string
    | {
        code?: number;
        message?: string;
        status?: string;
        errors?: { reason?: string; location?: string; message?: string }[];
        details?: { reason?: string; "@type"?: string }[];
      };
  error_description?: string;
}

const RATE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded", "backendError_rateLimited"]);
const DISCONNECT_GRANTS = new Set(["invalid_grant", "unauthorized_client", "invalid_client", "access_denied", "deleted_client"]);

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, unknown>;
  const v = rec[name] ?? rec[name.toLowerCase()];
  return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined;
}

function parseBody(data: unknown): ApiErrorBody | undefined {
  if (data && typeof data === "object" && !(Symbol.asyncIterator in data)) return data;
  if (typeof data === "string") {
    try {
      return JSON.parse(data) as ApiErrorBody;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The parts of a gaxios error this mapping needs; exported for the unit tests. */
export function googleErrorFacts(e: unknown): { status?: number; reason?: string; location?: string; message?: string; grantError?: string; retryAfter?: string; infoReason?: string } {
  const err = e as { status?: unknown; code?: unknown; response?: { status?: number; headers?: unknown; data?: unknown }; message?: string };
  const status = typeof err.response?.status === "number" ? err.response.status : typeof err.status === "number" ? err.status : typeof err.code === "number" ? err.code : undefined;
  const body = parseBody(err.response?.data);
  const apiErr = typeof body?.error === "object" ? body.error : undefined;
  const first = apiErr?.errors?.[0];
  return {
    status,
    reason: first?.reason,
    location: first?.location,
    message: apiErr?.message ?? (typeof body?.error === "string" ? body.error_description : undefined),
    grantError: typeof body?.error === "string" ? body.error : undefined,
    retryAfter: headerOf(err.response?.headers, "retry-after"),
    infoReason: apiErr?.details?.find((d) => typeof d.reason === "string")?.reason ?? apiErr?.status,
  };
}

/**
 * The cause kept on a ConnectorError: name, message and code only. A gaxios error carries the
 * request config (headers with the bearer token, the assertion in a token request body), which
 * must never reach a log or a workflow's history.
 */
function safeCause(e: unknown): Error {
  const src = e instanceof Error ? e : new Error(String(e));
  const code = (src as { code?: unknown }).code;
  const safe = new Error(src.message.replace(/(ya29\.|1\/\/)[\w.-]+/g, "$1…").replace(/Bearer\s+\S+/gi, "Bearer …"));
  safe.name = src.name;
  if (typeof code === "string" || typeof code === "number") Object.assign(safe, { code });
  return safe;
}

/** Maps any error thrown by a Google call to a ConnectorError (an existing one passes through). */
export function classifyGoogleError(e: unknown, ctx: GoogleErrorContext): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const f = googleErrorFacts(e);
  const detail = (code: ConnectorErrorCode, text: string, retryAfterMs?: number) =>
    new ConnectorError(code, `${ctx.op}: ${text}`, {
      provider: "google",
      status: f.status,
      providerCode: f.reason ?? f.grantError ?? f.infoReason,
      retryAfterMs,
      cause: safeCause(e),
    });
  const said = f.message ? ` (${f.message})` : "";

  if (f.status === undefined) {
    if (isNetworkError(e)) return detail("transient", `network failure: ${(e as Error).message}`);
    return detail("transient", `unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
  }
  const retryAfterMs = parseRetryAfter(f.retryAfter, ctx.now);
  // Google answers an impersonation of a user who no longer exists with invalid_grant.
  if (f.grantError === "invalid_grant" && /invalid email or user id/i.test(f.message ?? "")) {
    return detail("not_found", `the impersonated user does not exist${said}`);
  }
  if (f.grantError && DISCONNECT_GRANTS.has(f.grantError)) {
    return detail("disconnected", `the grant was refused: ${f.grantError}${f.message ? ` (${f.message})` : ""}; reconnect the source or restore domain-wide delegation`);
  }
  if (f.status === 429 || (f.status === 403 && f.reason !== undefined && RATE_REASONS.has(f.reason))) {
    return detail("rate_limited", `rate limited${said}`, retryAfterMs);
  }
  if (f.status === 401) return detail("disconnected", `credentials rejected${said}`);
  if (f.status === 410) return detail("resync_required", `the change cursor expired${said}`);
  if (ctx.cursor && f.status === 404) return detail("resync_required", `the change cursor is too old${said}`);
  if (ctx.cursor && f.status === 400 && (f.infoReason === "EXPIRED_SYNC_TOKEN" || f.location === "pageToken" || f.location === "syncToken" || /sync token is expired/i.test(f.message ?? ""))) {
    return detail("resync_required", `the change cursor is no longer valid${said}`);
  }
  if (f.status === 404) return detail("not_found", `not found${said}`);
  if (f.status === 403) return detail("permission_denied", `permission denied${f.reason ? ` [${f.reason}]` : ""}${said}`);
  if (f.status === 409) return detail("conflict", `conflict${said}`);
  if (f.status === 408 || f.status >= 500) return detail("transient", `server error ${f.status}${said}`, retryAfterMs);
  return detail("invalid", `request rejected with ${f.status}${f.reason ? ` [${f.reason}]` : ""}${said}`);
}
