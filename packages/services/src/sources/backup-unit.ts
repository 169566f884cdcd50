import { and, eq, isUuid, snapshots, sources, units, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";

export interface BackupUnit {
  id: string;
  sourceId: string;
  provider: string;
  kind: string;
  externalId: string;
  displayName: string;
  ownerEmail: string | null;
  ownerExternalId: string | null;
  state: string;
  attributes: Record<string, string>;
  cursor: string | null;
  /** The vault snapshot of the unit's last committed catalogue snapshot: where the next backup continues. */
  lastVaultSnapshotId: string | null;
}

/** What a backup or restore of the unit needs to reach it again (worker side; no secrets). */
export async function getBackupUnit(ctx: TenantContext, unitId: string): Promise<BackupUnit> {
  requireRole(ctx, "operator", "Reading a unit for backup");
  if (!isUuid(unitId)) throw notFound("Unit");
  const [row] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ u: units, provider: sources.provider, vaultSnapshotId: snapshots.vaultSnapshotId })
      .from(units)
      .innerJoin(sources, eq(sources.id, units.sourceId))
      .leftJoin(snapshots, eq(snapshots.id, units.lastSnapshotId))
      .where(and(eq(units.id, unitId), eq(units.tenantId, ctx.tenantId))),
  );
  if (!row) throw notFound("Unit");
  const u = row.u;
  return {
    id: u.id,
    sourceId: u.sourceId,
    provider: row.provider,
    kind: u.kind,
    externalId: u.externalId,
    displayName: u.displayName,
    ownerEmail: u.ownerEmail,
    ownerExternalId: u.ownerExternalId,
    state: u.state,
    attributes: u.attributes,
    cursor: u.cursor,
    lastVaultSnapshotId: row.vaultSnapshotId ?? null,
  };
}
