// Domain error codes every connector maps provider failures onto, so workflows decide retry,
// resync, skip-and-record or fail without knowing any provider's error shapes.

import type { Provider } from "./types";

export type ConnectorErrorCode =
  /** 429 / quota exceeded / 503 with Retry-After: wait `retryAfterMs` (or back off) and retry. */
  | "rate_limited"
  /** The change cursor is gone (Gmail history 404, Drive/Calendar 410, Graph syncStateNotFound…): enumerate again. */
  | "resync_required"
  /** The grant is revoked or expired, or the app was removed: the source needs reconnecting. */
  | "disconnected"
  /** The item or unit no longer exists at the provider. */
  | "not_found"
  /** The credentials work but may not touch this item or unit. */
  | "permission_denied"
  /** The item's type cannot be backed up or restored (recorded with the reason, never dropped). */
  | "unsupported"
  /** The restore target holds a conflicting item and the policy forbids overwriting it. */
  | "conflict"
  /** The request was malformed (our bug or bad input): not retried. */
  | "invalid"
  /** A 5xx, a dropped connection or a timeout: retry with back-off. */
  | "transient";

const RETRYABLE: ReadonlySet<ConnectorErrorCode> = new Set(["rate_limited", "transient"]);

export class ConnectorError extends Error {
  override readonly name = "ConnectorError";
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly details: { provider?: Provider; status?: number; providerCode?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

export function isConnectorError(e: unknown, code?: ConnectorErrorCode): e is ConnectorError {
  return e instanceof ConnectorError && (code === undefined || e.code === code);
}

/**
 * Parses an HTTP `Retry-After` value (delta-seconds or an HTTP-date, RFC 9110 §10.2.3) into
 * milliseconds from `now`. Undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Network-level failures (connection reset, refused, socket hang up, timeouts) are transient. */
export function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/.test(code)) return true;
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== e && isNetworkError(cause)) return true;
  return /socket hang up|fetch failed|network|terminated/i.test(e.message);
}
