// A test event, to one endpoint only, so an admin can check their receiver (and its signature
// check) without waiting for something to happen. Audited like any other action.
import { randomUUID } from "node:crypto";
import { organizations, eq, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { describeActor } from "../notify/announce";
import { findEndpoint } from "./guards";
import { toDeliveryView } from "./map";
import { queueWebhookEvent } from "./queue";
import type { WebhookDeliveryView, WebhookEvent } from "./types";

export async function sendTestWebhook(ctx: TenantContext, endpointId: string): Promise<WebhookDeliveryView> {
  requireRole(ctx, "admin", "Sending a test webhook");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const endpoint = await findEndpoint(tx, ctx.tenantId, endpointId);
    if (endpoint.disabledAt) throw conflict(`This webhook endpoint was removed on ${endpoint.disabledAt.toISOString().slice(0, 10)}; it gets nothing more`);
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.tenantId));
    const orgName = org?.name ?? ctx.tenantId;
    const event: WebhookEvent = {
      id: randomUUID(),
      type: "webhook.test",
      createdAt: new Date().toISOString(),
      organization: { id: ctx.tenantId, name: orgName },
      actor: { type: ctx.actor.type, id: ctx.actor.id, name: await describeActor(tx, ctx.tenantId, ctx.actor) },
      subject: `[Holdfast] ${orgName}: test event`,
      text: `A test event for the webhook endpoint ${endpoint.url}. Nothing changed.`,
    };
    const [queued] = await queueWebhookEvent(tx, ctx.tenantId, event, [endpoint.id]);
    if (!queued) throw new Error("test webhook delivery was not queued");
    await audit(tx, ctx, "webhook.test_sent", { type: "webhook_endpoint", id: endpoint.id }, { eventId: event.id, deliveryId: queued.id });
    return toDeliveryView(queued);
  });
}
