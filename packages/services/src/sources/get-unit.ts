// One unit by id with its source's name and its newest committed backup: the browse page's
// header and the restore wizard. Another organisation's unit is NOT_FOUND, like a missing one.
import { and, desc, eq, snapshots, sources, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { API_PROVIDER } from "./create";
import { findUnit } from "./guards";
import { toUnit } from "./map";
import type { SourceDetail, Unit } from "./types";

export interface UnitWithSource extends Unit {
  source: { id: string; displayName: string; provider: SourceDetail["provider"] };
  /** When the unit's newest committed snapshot was taken; null before its first backup. */
  lastBackupAt: string | null;
}

export async function getUnit(ctx: TenantContext, unitId: string): Promise<UnitWithSource> {
  requireRole(ctx, "viewer", "Viewing a unit");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const unit = await findUnit(tx, ctx.tenantId, unitId);
    const [source] = await tx
      .select({ id: sources.id, displayName: sources.displayName, provider: sources.provider })
      .from(sources)
      .where(and(eq(sources.id, unit.sourceId), eq(sources.tenantId, ctx.tenantId)));
    if (!source) throw notFound("Unit");
    const [latest] = await tx
      .select({ committedAt: snapshots.committedAt })
      .from(snapshots)
      .where(and(eq(snapshots.unitId, unit.id), eq(snapshots.tenantId, ctx.tenantId), eq(snapshots.status, "committed")))
      .orderBy(desc(snapshots.seq))
      .limit(1);
    return { ...toUnit(unit), source: { id: source.id, displayName: source.displayName, provider: API_PROVIDER[source.provider] }, lastBackupAt: latest?.committedAt?.toISOString() ?? null };
  });
}
