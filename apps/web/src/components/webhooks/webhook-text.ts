// Words for a webhook endpoint's state and its deliveries, kept apart from the components so they
// can be tested without rendering.
import type { WebhookDeliveryView, WebhookEndpointView } from "@holdfast/services";

export const REMOVAL_EXPLANATION =
  "Removing an endpoint is a request: it is announced to every owner, administrator and guardian, another of them must approve it, and it runs only after the cooling-off delay. Until then the endpoint keeps receiving events.";

type Tone = "neutral" | "success" | "warning" | "danger" | "info";

/** The endpoint's badge: removed, removal waiting, or active. */
export function endpointStatus(e: Pick<WebhookEndpointView, "disabledAt" | "removalRequestId">): { label: string; tone: Tone } {
  if (e.disabledAt) return { label: "Removed", tone: "neutral" };
  if (e.removalRequestId) return { label: "Removal requested", tone: "warning" };
  return { label: "Active", tone: "success" };
}

const DELIVERY_LABEL: Record<WebhookDeliveryView["status"], string> = { pending: "Pending", delivered: "Delivered", failed: "Failed" };
const DELIVERY_TONE: Record<WebhookDeliveryView["status"], Tone> = { pending: "info", delivered: "success", failed: "danger" };

export function deliveryStatus(d: Pick<WebhookDeliveryView, "status">): { label: string; tone: Tone } {
  return { label: DELIVERY_LABEL[d.status], tone: DELIVERY_TONE[d.status] };
}

/**
 * What the last attempt got back, e.g. "HTTP 200", "HTTP 500 · 2 attempts", "connection refused ·
 * 3 attempts"; null before the first attempt.
 */
export function attemptOutcome(d: Pick<WebhookDeliveryView, "attempts" | "lastStatusCode" | "lastError">): string | null {
  if (d.attempts === 0) return null;
  const got = d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "no answer");
  const extra = d.lastStatusCode !== null && d.lastError ? ` (${d.lastError})` : "";
  return d.attempts > 1 ? `${got}${extra} · ${d.attempts} attempts` : `${got}${extra}`;
}

/** True while some endpoint's last delivery waits for the worker: the list then refreshes itself. */
export function anyPending(list: readonly { lastDelivery: Pick<WebhookDeliveryView, "status"> | null }[] | undefined): boolean {
  return (list ?? []).some((e) => e.lastDelivery?.status === "pending");
}
