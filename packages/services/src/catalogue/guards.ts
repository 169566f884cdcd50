import { and, backupRuns, eq, isUuid, snapshots, type Tx } from "@holdfast/db";
import { notFound } from "../errors";

export async function findRun(tx: Tx, tenantId: string, runId: string) {
  if (!isUuid(runId)) throw notFound("Backup run");
  const [row] = await tx.select().from(backupRuns).where(and(eq(backupRuns.id, runId), eq(backupRuns.tenantId, tenantId)));
  if (!row) throw notFound("Backup run");
  return row;
}

/** Row-locked, so recording into a snapshot and committing it cannot interleave. */
export async function findSnapshotForUpdate(tx: Tx, tenantId: string, snapshotId: string) {
  if (!isUuid(snapshotId)) throw notFound("Snapshot");
  const [row] = await tx.select().from(snapshots).where(and(eq(snapshots.id, snapshotId), eq(snapshots.tenantId, tenantId))).for("update");
  if (!row) throw notFound("Snapshot");
  return row;
}
