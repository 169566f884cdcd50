// Words for guarded requests (ADR 0020), kept apart from the components so they can be tested.
import type { GuardedRequestView } from "@holdfast/services";

/** Pending or approved: still to run, and anyone told of it may still cancel it. */
export function isOpen(r: Pick<GuardedRequestView, "status">): boolean {
  return r.status === "pending" || r.status === "approved";
}

/** How an ended request ended, in a few words. */
export function outcomeText(r: Pick<GuardedRequestView, "status" | "failure" | "cancelledBy">): string {
  switch (r.status) {
    case "executed":
      return "Carried out";
    case "failed":
      return `Could not be carried out: ${r.failure ?? "no reason was recorded"}`;
    case "cancelled":
      return r.cancelledBy ? `Cancelled by ${r.cancelledBy.name}` : "Cancelled";
    case "expired":
      return "Lapsed unapproved";
    case "pending":
      return "Waiting for approval";
    case "approved":
      return "Approved";
  }
}

/**
 * Time left as a countdown reads it: "2 d 5 h", "3 h 4 min", "12 min", "12 s"; null once due.
 * Seconds round up (it is due only at 0); larger units round down, like a clock.
 */
export function formatCountdown(ms: number): string | null {
  if (ms <= 0) return null;
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min`;
}

/**
 * Milliseconds until formatCountdown's text next changes: every second under a minute, else at
 * the next whole minute; null once due (nothing left to count).
 */
export function nextTickDelay(ms: number): number | null {
  if (ms <= 0) return null;
  const s = Math.ceil(ms / 1000);
  const nextShownSeconds = s <= 60 ? s - 1 : Math.floor(s / 60) * 60 - 1;
  return ms - nextShownSeconds * 1000;
}
