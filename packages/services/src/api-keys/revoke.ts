import { and, apiKeys, eq, isNull, isUuid, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { announceToAdmins } from "../notify/announce";
import { toApiKey } from "./map";

/**
 * Revoked keys stay listed (with revokedAt) so the audit trail keeps its referent. Announced to every
 * owner, admin and guardian, as creation is: a key revoked by someone else breaks whatever used it.
 */
export async function revokeApiKey(ctx: TenantContext, id: string, now = new Date()) {
  requireRole(ctx, "admin", "Revoking an API key");
  if (!isUuid(id)) throw notFound("API key");
  const revoked = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, ctx.tenantId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw notFound("API key");
    await audit(tx, ctx, "api_key.revoked", { type: "api_key", id }, { name: row.name, prefix: row.prefix });
    return toApiKey(row);
  });
  await announceToAdmins(
    ctx.db,
    ctx.tenantId,
    {
      about: "api_key.revoked",
      actor: ctx.actor,
      subject: `API key "${revoked.name}" revoked`,
      text: `The API key "${revoked.name}" (${revoked.prefix}…, ${revoked.role} role) was revoked: anything still using it is refused from now on.`,
      at: now,
    },
    ctx.requestId ? { requestId: ctx.requestId } : {},
  );
  return revoked;
}
