// One unit by id with its source's name and its newest committed backup: the browse page's
// header and the restore wizard. Another organisation's unit is NOT_FOUND, like a missing one; so
// is, for a self-service person (ADR 0016), any unit that is not theirs.
import { and, desc, eq, inArray, snapshots, sources, sql, units, withTenant, type Tx } from "@holdfast/db";
import { requireUnitAccess, type TenantContext } from "../context";
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
  requireUnitAccess(ctx, "viewer", "Viewing a unit", [unitId]);
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

/**
 * Several units of the tenant in the shape `getUnit` returns, ordered by display name. The caller
 * has already decided the ids are the caller's to see; ids not in the tenant are simply absent.
 */
export async function unitsWithSource(tx: Tx, tenantId: string, unitIds: readonly string[]): Promise<UnitWithSource[]> {
  if (unitIds.length === 0) return [];
  // As ISO text (UTC, microseconds): the driver's own parsing of a raw timestamptz is not relied on.
  const lastBackup = sql<string | null>`(select to_char(max(s.committed_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') from snapshots s where s.unit_id = ${units.id} and s.tenant_id = ${tenantId} and s.status = 'committed')`;
  const rows = await tx
    .select({ unit: units, source: { id: sources.id, displayName: sources.displayName, provider: sources.provider }, lastBackupAt: lastBackup })
    .from(units)
    .innerJoin(sources, and(eq(sources.id, units.sourceId), eq(sources.tenantId, units.tenantId)))
    .where(and(eq(units.tenantId, tenantId), inArray(units.id, [...unitIds])))
    .orderBy(units.displayName, units.id);
  return rows.map((r) => ({
    ...toUnit(r.unit),
    source: { id: r.source.id, displayName: r.source.displayName, provider: API_PROVIDER[r.source.provider] },
    lastBackupAt: r.lastBackupAt === null ? null : new Date(r.lastBackupAt).toISOString(),
  }));
}
