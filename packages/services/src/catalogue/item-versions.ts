import { and, asc, eq, isNull, isUuid, items, itemVersions, withTenant } from "@holdfast/db";
import { requireUnitAccess, unitScope, type TenantContext } from "../context";
import { itemErasedError } from "../erasure/guards";
import { notFound } from "../errors";
import { toItemVersion } from "./map";
import type { ItemVersion } from "./types";

/**
 * Every version of one item still held by a restore point, oldest first (a version whose every
 * snapshot expired is left out: nothing can restore it). A self-service person sees only items of
 * their own units. An erased item is NOT_FOUND, saying when it was erased.
 */
export async function listItemVersions(ctx: TenantContext, itemId: string): Promise<ItemVersion[]> {
  requireUnitAccess(ctx, "viewer", "Listing an item's versions", []);
  const scope = unitScope(ctx);
  if (!isUuid(itemId)) throw notFound("Item");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [item] = await tx.select().from(items).where(and(eq(items.id, itemId), eq(items.tenantId, ctx.tenantId)));
    if (!item || (scope && !scope.includes(item.unitId))) throw notFound("Item");
    if (item.erasedAt) throw itemErasedError(item);
    const rows = await tx
      .select()
      .from(itemVersions)
      .where(and(eq(itemVersions.itemId, itemId), eq(itemVersions.tenantId, ctx.tenantId), isNull(itemVersions.expiredAt)))
      .orderBy(asc(itemVersions.capturedAt), asc(itemVersions.id));
    return rows.map((v) => toItemVersion(v, item.deletedAt));
  });
}
