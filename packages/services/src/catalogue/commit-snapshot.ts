import { and, eq, isNull, itemVersions, snapshots, sql, units, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { findSnapshotForUpdate } from "./guards";
import { toSnapshot } from "./map";
import { CommitSnapshotInput, type Snapshot } from "./types";

/**
 * Commit a unit's snapshot once its vault snapshot is written: it counts the items current in the
 * unit, becomes the unit's last snapshot, and no more versions may be recorded into it.
 */
export async function commitSnapshot(ctx: TenantContext, snapshotId: string, raw: CommitSnapshotInput, now = new Date()): Promise<Snapshot> {
  const input = CommitSnapshotInput.parse(raw);
  requireRole(ctx, "operator", "Committing a snapshot");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const snap = await findSnapshotForUpdate(tx, ctx.tenantId, snapshotId);
    if (snap.status === "committed") {
      if (snap.vaultSnapshotId === input.vaultSnapshotId) return toSnapshot(snap);
      throw conflict(`Snapshot ${snapshotId} is already committed with vault snapshot ${snap.vaultSnapshotId}`);
    }
    if (snap.status !== "open") throw conflict(`Snapshot ${snapshotId} is ${snap.status}`);
    const [totals] = await tx
      .select({ count: sql<number>`count(*)::bigint`.mapWith(Number), bytes: sql<number>`coalesce(sum(${itemVersions.size}), 0)::bigint`.mapWith(Number) })
      .from(itemVersions)
      .where(and(eq(itemVersions.unitId, snap.unitId), eq(itemVersions.tenantId, ctx.tenantId), isNull(itemVersions.supersededAt), sql`${itemVersions.kind} <> 'folder'`));
    const [row] = await tx
      .update(snapshots)
      .set({ status: "committed", committedAt: now, vaultSnapshotId: input.vaultSnapshotId, retainUntil: input.retainUntil ?? null, itemCount: totals?.count ?? 0, bytes: totals?.bytes ?? 0 })
      .where(and(eq(snapshots.id, snapshotId), eq(snapshots.tenantId, ctx.tenantId)))
      .returning();
    if (!row) throw new Error("snapshot update returned no row");
    await tx.update(units).set({ lastSnapshotId: row.id }).where(and(eq(units.id, row.unitId), eq(units.tenantId, ctx.tenantId)));
    return toSnapshot(row);
  });
}
