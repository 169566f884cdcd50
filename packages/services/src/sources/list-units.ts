import { and, asc, eq, units, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { findSource } from "./guards";
import { toUnit } from "./map";
import type { Unit } from "./types";

// Member-only: listing a source's units is reached from the source pages and the sources list,
// which self-service never sees; a self-service person lists their own units with listOwnUnits.
export async function listUnits(ctx: TenantContext, sourceId: string): Promise<Unit[]> {
  requireRole(ctx, "viewer", "Listing units");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findSource(tx, ctx.tenantId, sourceId);
    const rows = await tx.select().from(units).where(and(eq(units.sourceId, sourceId), eq(units.tenantId, ctx.tenantId))).orderBy(asc(units.kind), asc(units.displayName), asc(units.id));
    return rows.map(toUnit);
  });
}
