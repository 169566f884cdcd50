// Backup runs whose workflow died (terminated by an operator, timed out, a bug) never reach
// `finishRun`: their row would stay `running` and their units' catalogue snapshots `open` forever.
// The worker finds them when the source's next run starts (it asks Temporal whether each earlier
// run's workflow still runs) and closes them here: the run `failed` with the reason, its open
// snapshots `failed` (not committed). Committed snapshots, recorded versions and issues stay as
// they are — every committed segment is a real checkpoint of the vault.
import { and, asc, backupRuns, eq, lt, ne, snapshots, withTenant, type Tx } from "@holdfast/db";
import { findRun } from "../catalogue/guards";
import { audit, type TenantContext } from "../context";
import { conflict, forbidden } from "../errors";

function requireWorker(ctx: TenantContext, what: string): void {
  if (ctx.actor.type !== "system") throw forbidden(`${what} is done by the worker only`);
}

export interface OpenRun {
  runId: string;
  workflowId: string;
  startedAt: Date;
}

/**
 * Worker: runs of the source still `running` that started before `startedBefore`, oldest first,
 * other than `exceptRunId` (the run starting now). The cut-off leaves alone a run recorded a
 * moment before its workflow is started (an on-demand request records the row first).
 */
export async function openRunsOfSource(ctx: TenantContext, sourceId: string, opts: { exceptRunId: string; startedBefore: Date; limit?: number }): Promise<OpenRun[]> {
  requireWorker(ctx, "Closing abandoned runs");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ runId: backupRuns.id, workflowId: backupRuns.workflowId, startedAt: backupRuns.startedAt })
      .from(backupRuns)
      .where(
        and(
          eq(backupRuns.tenantId, ctx.tenantId),
          eq(backupRuns.sourceId, sourceId),
          eq(backupRuns.status, "running"),
          ne(backupRuns.id, opts.exceptRunId),
          lt(backupRuns.startedAt, opts.startedBefore),
        ),
      )
      .orderBy(asc(backupRuns.startedAt))
      .limit(opts.limit ?? 100),
  );
  return rows;
}

/** Closes the run's snapshots still `open` as `failed`; the number closed. Committed ones are never touched. */
async function failOpenSnapshots(tx: Tx, tenantId: string, runId: string): Promise<number> {
  const closed = await tx
    .update(snapshots)
    .set({ status: "failed" })
    .where(and(eq(snapshots.tenantId, tenantId), eq(snapshots.runId, runId), eq(snapshots.status, "open")))
    .returning({ id: snapshots.id });
  return closed.length;
}

/**
 * Worker: marks a run whose workflow is gone `failed` with `summary`, and closes its open
 * snapshots. Only a run still `running` is changed: one that finished meanwhile (its workflow
 * completed between the check and now) is left as it finished.
 */
export async function abandonRun(ctx: TenantContext, runId: string, summary: string, now = new Date()): Promise<{ abandoned: boolean; snapshotsClosed: number }> {
  requireWorker(ctx, "Closing abandoned runs");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [run] = await tx
      .update(backupRuns)
      .set({ status: "failed", errorSummary: summary.slice(0, 4000), finishedAt: now })
      .where(and(eq(backupRuns.id, runId), eq(backupRuns.tenantId, ctx.tenantId), eq(backupRuns.status, "running")))
      .returning({ id: backupRuns.id, workflowId: backupRuns.workflowId });
    if (!run) return { abandoned: false, snapshotsClosed: 0 };
    const snapshotsClosed = await failOpenSnapshots(tx, ctx.tenantId, runId);
    await audit(tx, ctx, "backup.abandoned", { type: "backup_run", id: runId }, { workflowId: run.workflowId, snapshotsClosed, reason: summary.slice(0, 500) });
    return { abandoned: true, snapshotsClosed };
  });
}

/**
 * Worker: after a run finished, closes the snapshots its failed units left `open` as `failed`, so
 * nothing stays half-written. Refused while the run is still `running` (its units may be writing).
 */
export async function closeFinishedRunSnapshots(ctx: TenantContext, runId: string): Promise<number> {
  requireWorker(ctx, "Closing a run's snapshots");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const run = await findRun(tx, ctx.tenantId, runId);
    if (run.status === "running") throw conflict(`Backup run ${runId} is still running; its snapshots are closed once it has finished`);
    return failOpenSnapshots(tx, ctx.tenantId, runId);
  });
}
