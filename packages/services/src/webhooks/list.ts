import { and, desc, eq, guardedRequests, inArray, sql, webhookDeliveries, webhookEndpoints, withTenant, type WebhookDelivery } from "@holdfast/db";
import type { TenantContext } from "../context";
import { findEndpoint, requireWebhookReader } from "./guards";
import { toDeliveryView, toEndpointView } from "./map";
import { ListWebhookDeliveriesInput, type WebhookDeliveryView, type WebhookEndpointView } from "./types";

/** Every endpoint, newest first, removed ones included (with `disabledAt`), each with its last delivery. */
export async function listWebhooks(ctx: TenantContext): Promise<WebhookEndpointView[]> {
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await requireWebhookReader(tx, ctx, "Listing webhook endpoints");
    const rows = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, ctx.tenantId)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const last = await tx
      .selectDistinctOn([webhookDeliveries.endpointId])
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.tenantId, ctx.tenantId), inArray(webhookDeliveries.endpointId, ids)))
      .orderBy(webhookDeliveries.endpointId, desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id));
    const lastBy = new Map<string, WebhookDelivery>(last.map((d) => [d.endpointId, d]));
    const open = await tx
      .select({ id: guardedRequests.id, endpointId: sql<string>`${guardedRequests.params}->>'endpointId'` })
      .from(guardedRequests)
      .where(and(eq(guardedRequests.tenantId, ctx.tenantId), eq(guardedRequests.kind, "webhook.remove"), inArray(guardedRequests.status, ["pending", "approved"])));
    const openBy = new Map(open.map((r) => [r.endpointId, r.id]));
    return rows.map((r) => toEndpointView(r, { lastDelivery: lastBy.get(r.id) ?? null, removalRequestId: openBy.get(r.id) ?? null }));
  });
}

/** An endpoint's deliveries, newest first. */
export async function listWebhookDeliveries(ctx: TenantContext, endpointId: string, raw: ListWebhookDeliveriesInput = {}): Promise<WebhookDeliveryView[]> {
  const input = ListWebhookDeliveriesInput.parse(raw);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await requireWebhookReader(tx, ctx, "Listing webhook deliveries");
    await findEndpoint(tx, ctx.tenantId, endpointId);
    const rows = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.endpointId, endpointId)))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(input.limit);
    return rows.map(toDeliveryView);
  });
}
