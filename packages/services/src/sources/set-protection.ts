// Including or excluding a unit from scheduled backups. Including applies at once. Excluding an
// account that has backups stops its protection — a guarded request (docs/adr/0020-guarded-requests.md);
// excluding one never backed up applies at once. Existing backups stay either way.
import { and, eq, snapshots, units, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { Guarded } from "../guard/types";
import { findUnit, refuseIfUnitSourceRemoved } from "./guards";
import { toUnit } from "./map";
import { UnitProtection, type Unit } from "./types";

export async function setUnitProtection(ctx: TenantContext, unitId: string, rawProtection: UnitProtection, deps: GuardDeps = { guard: undefined }): Promise<Guarded<Unit>> {
  const protection = UnitProtection.parse(rawProtection);
  requireRole(ctx, "admin", "Changing what is protected");
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const before = await findUnit(tx, ctx.tenantId, unitId);
    // Including or excluding means nothing once no backup runs; its existing backups are unaffected.
    await refuseIfUnitSourceRemoved(tx, ctx.tenantId, before, "what it protects cannot be changed");
    if (before.protection === protection) return { kind: "applied" as const, unit: toUnit(before) };
    if (protection === "excluded") {
      const [backedUp] = await tx
        .select({ id: snapshots.id })
        .from(snapshots)
        .where(and(eq(snapshots.tenantId, ctx.tenantId), eq(snapshots.unitId, unitId), eq(snapshots.status, "committed")))
        .limit(1);
      if (backedUp) {
        return {
          kind: "requested" as const,
          request: await insertGuardedRequest(tx, ctx, {
            kind: "unit.exclude",
            params: { unitId },
            summary: `Stop protecting the account "${before.displayName}" (no new backups; the existing ones stay until their retention ends)`,
          }),
        };
      }
    }
    const [row] = await tx.update(units).set({ protection }).where(and(eq(units.id, unitId), eq(units.tenantId, ctx.tenantId))).returning();
    if (!row) throw new Error("unit update returned no row");
    await audit(tx, ctx, "unit.protection_changed", { type: "unit", id: unitId }, { from: before.protection, to: protection, kind: row.kind, displayName: row.displayName });
    return { kind: "applied" as const, unit: toUnit(row) };
  });
  if (outcome.kind === "requested") return { outcome: "requested", request: await startGuardedRequest(ctx, outcome.request, deps) };
  return { outcome: "applied", result: outcome.unit };
}
