// The organisation's self-service switch (ADR 0016). Turning it off takes effect on the next
// request: access is resolved per request from the setting, never cached in a session.
import { eq, organizations, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";

export interface SelfServiceSettings {
  enabled: boolean;
}

export async function getSelfServiceSettings(ctx: TenantContext): Promise<SelfServiceSettings> {
  requireRole(ctx, "viewer", "Reading the self-service setting");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [org] = await tx.select({ enabled: organizations.selfServiceEnabled }).from(organizations).where(eq(organizations.id, ctx.tenantId));
    if (!org) throw notFound("Organization");
    return { enabled: org.enabled };
  });
}

export async function setSelfServiceSettings(ctx: TenantContext, input: SelfServiceSettings): Promise<SelfServiceSettings> {
  requireRole(ctx, "admin", "Changing end-user self-service");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [before] = await tx.select({ enabled: organizations.selfServiceEnabled }).from(organizations).where(eq(organizations.id, ctx.tenantId));
    if (!before) throw notFound("Organization");
    if (before.enabled === input.enabled) return { enabled: before.enabled };
    await tx.update(organizations).set({ selfServiceEnabled: input.enabled }).where(eq(organizations.id, ctx.tenantId));
    await audit(tx, ctx, input.enabled ? "organization.self_service_enabled" : "organization.self_service_disabled", { type: "organization", id: ctx.tenantId });
    return { enabled: input.enabled };
  });
}
