import { and, eq, isUuid, units, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound, validation } from "../errors";

/** Checkpoint a unit's change cursor (opaque provider token, never a secret). `null` forces a full resync. */
export async function setUnitCursor(ctx: TenantContext, unitId: string, cursor: string | null): Promise<void> {
  requireRole(ctx, "operator", "Checkpointing a unit's cursor");
  if (!isUuid(unitId)) throw notFound("Unit");
  if (cursor !== null && cursor.length > 16_384) throw validation("cursor must be at most 16384 characters");
  const updated = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.update(units).set({ cursor }).where(and(eq(units.id, unitId), eq(units.tenantId, ctx.tenantId))).returning({ id: units.id }),
  );
  if (updated.length === 0) throw notFound("Unit");
}
