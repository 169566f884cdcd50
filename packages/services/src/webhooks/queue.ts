// Queueing an event: one `webhook_deliveries` row per active endpoint, all with the same event id
// (receivers dedupe on it). The worker's sender POSTs them; nothing here touches the network.
import { and, eq, inArray, isNull, webhookDeliveries, webhookEndpoints, type Tx, type WebhookDelivery } from "@holdfast/db";
import type { WebhookEvent } from "./types";

/**
 * Queues `event` for every active endpoint of the tenant (or only `endpointIds`, if given and
 * still active). Runs in the caller's transaction; answers the rows queued.
 */
export async function queueWebhookEvent(tx: Tx, tenantId: string, event: WebhookEvent, endpointIds?: string[]): Promise<WebhookDelivery[]> {
  const active = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), isNull(webhookEndpoints.disabledAt), ...(endpointIds ? [inArray(webhookEndpoints.id, endpointIds)] : [])));
  if (active.length === 0) return [];
  return tx
    .insert(webhookDeliveries)
    .values(active.map((e) => ({ tenantId, endpointId: e.id, eventId: event.id, eventType: event.type, payload: event })))
    .returning();
}
