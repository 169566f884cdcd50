// Reads the sandbox's request log (`GET /_control/requests`) for the fault drill: which requests
// were answered 429/503 with Retry-After, and whether anything was sent into the window the
// provider asked for. The provider's side of the wire is the honest place to look: it sees every
// request whatever path it took through our throttle, our retries or gaxios/Graph-client retries.

import type { LoggedRequest } from "@holdfast/sandbox";

export type { LoggedRequest };

/**
 * The provider's unit of accounting a Retry-After applies to, as the providers document it:
 * Google per user and API (Gmail, Drive, Calendar, People), Graph per app and mailbox for
 * Outlook resources (mail, calendars, contacts), Graph per tenant for SharePoint / OneDrive.
 * Undefined for requests outside any such unit (token endpoints, directory reads).
 */
export function limitScope(r: LoggedRequest): string | undefined {
  if (r.provider === "google") {
    const api = /^\/(?:google\/)?(?:upload\/)?(gmail|drive|calendar)\//.exec(r.path)?.[1] ?? (r.path.startsWith("/v1/people") ? "people" : undefined);
    return api && r.user ? `google:${api}:${r.user}` : undefined;
  }
  if (r.provider === "microsoft") {
    const m = /^\/microsoft\/graph\/v1\.0\/users\/[^/]+\/(\w+)/.exec(r.path);
    if (m && ["messages", "mailFolders", "events", "calendar", "calendarView", "calendars", "contacts", "contactFolders"].includes(m[1] ?? "")) return r.user ? `graph:mailbox:${r.user}` : undefined;
    if ((m && m[1] === "drive") || /^\/microsoft\/graph\/v1\.0\/(drives|sites)\//.test(r.path)) return `graph:sharepoint:${r.tenant ?? ""}`;
  }
  return undefined;
}

export interface RetryAfterFinding {
  /** Faulted responses that carried Retry-After, per status. */
  answered: Record<string, number>;
  /** For each faulted request, how long after the answer the same request came again (ms). */
  retryGaps: { path: string; retryAfterMs: number; gapMs: number }[];
  /** Requests of the same unit of accounting sent inside a Retry-After window. */
  violations: { fault: LoggedRequest; request: LoggedRequest; earlyByMs: number }[];
}

/**
 * Checks every answered-with-Retry-After request in the log. `inFlightMs`: a request of another
 * caller that arrives within this long after the answer left may have passed its fence check
 * before the client read the answer (concurrent callers, limiter round trips); those are not
 * counted as ignoring it. The retry of the faulted request itself gets no such allowance.
 */
export function checkRetryAfter(log: LoggedRequest[], inFlightMs: number): RetryAfterFinding {
  const byScope = new Map<string, LoggedRequest[]>();
  for (const r of log) {
    const scope = limitScope(r);
    if (!scope) continue;
    const list = byScope.get(scope) ?? [];
    list.push(r);
    byScope.set(scope, list);
  }
  const finding: RetryAfterFinding = { answered: {}, retryGaps: [], violations: [] };
  for (const list of byScope.values()) {
    list.sort((a, b) => a.at - b.at);
    for (const f of list) {
      if ((f.status !== 429 && f.status !== 503) || f.retryAfter === undefined) continue;
      const retryAfterMs = Number(f.retryAfter) * 1000;
      if (!Number.isFinite(retryAfterMs)) continue;
      finding.answered[f.status] = (finding.answered[f.status] ?? 0) + 1;
      const until = f.end + retryAfterMs;
      const retry = list.find((r) => r.at >= f.end && r.seq !== f.seq && r.method === f.method && r.path === f.path);
      if (retry) finding.retryGaps.push({ path: f.path, retryAfterMs, gapMs: retry.at - f.end });
      for (const r of list) {
        if (r.at <= f.end || r.at >= until) continue;
        const sameRequest = r === retry;
        if (!sameRequest && r.at <= f.end + inFlightMs) continue;
        finding.violations.push({ fault: f, request: r, earlyByMs: until - r.at });
      }
    }
  }
  return finding;
}
