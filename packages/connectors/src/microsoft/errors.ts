// Graph and identity-platform failures folded into the domain codes (CONVENTIONS.md §9). Pure:
// the callers hand over what the response said (status, Graph error code, Retry-After) and get a
// ConnectorError back. Messages carry Graph's code and message, never a URL (download and upload
// URLs are pre-authenticated) or a credential.
//
// Documented behaviour implemented here:
// - https://learn.microsoft.com/graph/errors — status classes and codes.
// - https://learn.microsoft.com/graph/throttling — 429 with Retry-After; 503/504 may carry it too.
// - SharePoint "activityLimitReached" (429/503) is throttling, not an outage.
// - https://learn.microsoft.com/graph/delta-query-overview — 410 Gone (syncStateNotFound,
//   resyncRequired, …) means the delta token is unusable: resync.
// - https://learn.microsoft.com/entra/identity-platform/reference-error-codes — invalid_client,
//   unauthorized_client, invalid_grant, consent errors: the grant is gone (disconnected).
import { ConnectorError, parseRetryAfter } from "../core/errors";

export interface GraphFailure {
  /** HTTP status; -1 or 0 when no response arrived. */
  status: number;
  /** Graph's `error.code` (e.g. `ErrorItemNotFound`, `ApplicationThrottled`). */
  code?: string;
  message?: string;
  /** The raw Retry-After header value. */
  retryAfter?: string | null;
  cause?: unknown;
}

const RESYNC_CODES = /^(syncStateNotFound|syncStateInvalid|resyncRequired|resyncChangesApplyDifferences|resyncChangesUploadDifferences|resyncApplyDifferences|resyncUploadDifferences|fullSyncRequired)$/i;

export function classifyGraphFailure(f: GraphFailure, now: number = Date.now()): ConnectorError {
  const code = f.code ?? "";
  const what = `Microsoft Graph ${f.status > 0 ? f.status : "request failed"}${code ? ` ${code}` : ""}${f.message ? `: ${f.message}` : ""}`;
  const retryAfterMs = parseRetryAfter(f.retryAfter ?? undefined, now);
  const details = { provider: "microsoft" as const, status: f.status, ...(code ? { providerCode: code } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(f.cause !== undefined ? { cause: f.cause } : {}) };
  if (f.status <= 0) return new ConnectorError("transient", what, details);
  if (RESYNC_CODES.test(code) || f.status === 410) return new ConnectorError("resync_required", what, details);
  if (f.status === 429 || /^activityLimitReached$/i.test(code)) return new ConnectorError("rate_limited", what, details);
  if ((f.status === 503 || f.status === 504) && retryAfterMs !== undefined) return new ConnectorError("rate_limited", what, details);
  if (f.status === 401) return new ConnectorError("disconnected", what, details);
  if (f.status === 403) return new ConnectorError("permission_denied", what, details);
  if (f.status === 404) return new ConnectorError("not_found", what, details);
  if (f.status === 409 || f.status === 412) return new ConnectorError("conflict", what, details);
  if (f.status === 413 || /^ErrorRequestEntityTooLarge$/i.test(code)) return new ConnectorError("unsupported", what, details);
  if (f.status >= 500) return new ConnectorError("transient", what, details);
  return new ConnectorError("invalid", what, details);
}

export interface TokenFailure {
  status: number;
  /** OAuth `error` (invalid_client, unauthorized_client, invalid_grant, …). */
  error?: string;
  /** Entra's `error_description` ("AADSTS7000215: Invalid client secret provided. …"). */
  description?: string;
  retryAfter?: string | null;
  cause?: unknown;
}

const DISCONNECTED_OAUTH = /^(invalid_client|unauthorized_client|invalid_grant|consent_required|interaction_required|access_denied|invalid_resource)$/;

export function classifyTokenFailure(f: TokenFailure, now: number = Date.now()): ConnectorError {
  // Only the first line of the description: Entra appends trace and correlation ids.
  const desc = f.description?.split(/\r?\n/)[0]?.slice(0, 300);
  const what = `Microsoft identity platform token request failed (${f.status > 0 ? f.status : "no response"}${f.error ? ` ${f.error}` : ""})${desc ? `: ${desc}` : ""}`;
  const retryAfterMs = parseRetryAfter(f.retryAfter ?? undefined, now);
  const details = { provider: "microsoft" as const, status: f.status, ...(f.error ? { providerCode: f.error } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(f.cause !== undefined ? { cause: f.cause } : {}) };
  if (f.status <= 0) return new ConnectorError("transient", what, details);
  if (f.status === 429) return new ConnectorError("rate_limited", what, details);
  if (f.status >= 500) return new ConnectorError(retryAfterMs !== undefined ? "rate_limited" : "transient", what, details);
  // AADSTS90002: the tenant does not exist (deleted, or the wrong id) — nothing to reconnect to either.
  if ((f.error && DISCONNECTED_OAUTH.test(f.error)) || f.status === 401 || /AADSTS(90002|700016|7000215|7000222|65001|50020)/.test(f.description ?? "")) {
    return new ConnectorError("disconnected", what, details);
  }
  return new ConnectorError("invalid", what, details);
}
