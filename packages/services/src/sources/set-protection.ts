import { and, eq, units, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { findUnit } from "./guards";
import { toUnit } from "./map";
import { UnitProtection, type Unit } from "./types";

/** Include or exclude a unit from scheduled backups. Excluding stops new backups; existing ones stay. */
export async function setUnitProtection(ctx: TenantContext, unitId: string, rawProtection: UnitProtection): Promise<Unit> {
  const protection = UnitProtection.parse(rawProtection);
  requireRole(ctx, "admin", "Changing what is protected");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const before = await findUnit(tx, ctx.tenantId, unitId);
    if (before.protection === protection) return toUnit(before);
    const [row] = await tx.update(units).set({ protection }).where(and(eq(units.id, unitId), eq(units.tenantId, ctx.tenantId))).returning();
    if (!row) throw new Error("unit update returned no row");
    await audit(tx, ctx, "unit.protection_changed", { type: "unit", id: unitId }, { from: before.protection, to: protection, kind: row.kind, displayName: row.displayName });
    return toUnit(row);
  });
}
