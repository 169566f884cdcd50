import { roleAtLeast } from "@holdfast/auth";
import { and, eq, isUuid, memberships, webhookEndpoints, type Tx, type WebhookEndpoint } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { forbidden, notFound } from "../errors";

/** Bound as associated data, so a sealed secret cannot be moved to another endpoint's row. */
export const webhookSecretPurpose = (endpointId: string) => `webhook-secret:${endpointId}`;

/**
 * Owners and admins manage endpoints; guardians are told everything the admins are, so they may
 * see where it goes too (and notice an endpoint they do not recognise).
 */
export async function requireWebhookReader(tx: Tx, ctx: TenantContext, action: string): Promise<void> {
  if (ctx.selfService || !roleAtLeast(ctx.role, "admin")) {
    if (!ctx.selfService && ctx.actor.type === "user") {
      const [m] = await tx.select({ guardian: memberships.guardian }).from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, ctx.actor.id)));
      if (m?.guardian === true) return;
    }
    requireRole(ctx, "admin", action);
    throw forbidden(`${action} requires the admin role or being a guardian; you are ${ctx.role}`);
  }
}

export async function findEndpoint(tx: Tx, tenantId: string, endpointId: string): Promise<WebhookEndpoint> {
  if (!isUuid(endpointId)) throw notFound("Webhook endpoint");
  const [row] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.tenantId, tenantId)));
  if (!row) throw notFound("Webhook endpoint");
  return row;
}
