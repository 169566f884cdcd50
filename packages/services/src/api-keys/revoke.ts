import { and, apiKeys, eq, isNull, isUuid, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { toApiKey } from "./map";

/** Revoked keys stay listed (with revokedAt) so the audit trail keeps its referent. */
export async function revokeApiKey(ctx: TenantContext, id: string, now = new Date()) {
  requireRole(ctx, "admin", "Revoking an API key");
  if (!isUuid(id)) throw notFound("API key");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, ctx.tenantId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw notFound("API key");
    await audit(tx, ctx, "api_key.revoked", { type: "api_key", id }, { name: row.name, prefix: row.prefix });
    return toApiKey(row);
  });
}
