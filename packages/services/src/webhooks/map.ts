import type { WebhookDelivery, WebhookEndpoint } from "@holdfast/db";
import type { WebhookDeliveryView, WebhookEndpointView } from "./types";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDeliveryView(row: WebhookDelivery): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status as WebhookDeliveryView["status"],
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: iso(row.lastAttemptAt),
    // Only a pending delivery has a next attempt; the column keeps its last value afterwards.
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAt),
  };
}

export function toEndpointView(row: WebhookEndpoint, extra: { removalRequestId?: string | null; lastDelivery?: WebhookDelivery | null } = {}): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    secretPrefix: row.secretPrefix,
    createdAt: row.createdAt.toISOString(),
    disabledAt: iso(row.disabledAt),
    removalRequestId: extra.removalRequestId ?? null,
    lastDelivery: extra.lastDelivery ? toDeliveryView(extra.lastDelivery) : null,
  };
}
