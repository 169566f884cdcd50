import { randomUUID } from "node:crypto";
import { and, backupRuns, desc, eq, gt, sql, withTenant } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict, unavailable, validation } from "../errors";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { findSource, findUnit, refuseIfRemoved } from "../sources/guards";
import { RequestBackupInput, type JobAccepted, type JobStarter } from "./types";

/** How long a run in progress keeps another on-demand backup of its source from starting. */
export const RUNNING_BLOCKS_MS = 24 * 60 * 60_000;

export interface RequestBackupDeps {
  /** The job runner; absent where none is configured (the request is then refused, 503). */
  jobs: Pick<JobStarter, "startBackup"> | undefined;
  /** The workflow id of a source's run with this key (`backupWorkflowIds.backupSource`). */
  workflowId: (sourceId: string, runKey: string) => string;
}

/**
 * An on-demand backup of a source (or some of its units): records the run, then starts its
 * workflow under the run's workflow id (the workflow's startRun finds this same row, so the run
 * id is the job id). If the workflow cannot be started the run is marked failed with the reason
 * and the caller is told to retry (503): no run is left "running" with nothing behind it. While
 * a backup of the source is running, another is refused (409) with the running job's id.
 */
export async function requestBackup(ctx: TenantContext, sourceId: string, raw: RequestBackupInput, deps: RequestBackupDeps): Promise<JobAccepted> {
  const input = RequestBackupInput.parse(raw);
  requireRole(ctx, "operator", "Starting a backup");
  const jobs = deps.jobs;
  if (!jobs) throw unavailable("Backups cannot be started right now: no job runner is configured");
  const unitIds = input.unitIds ? [...new Set(input.unitIds)] : undefined;
  const workflowId = deps.workflowId(sourceId, `on-demand-${randomUUID()}`);

  const run = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "nothing is backed up any more");
    const source = await findSource(tx, ctx.tenantId, sourceId);
    refuseIfRemoved(source, "it is not backed up any more");
    if (source.status !== "connected") throw conflict(`Source ${source.id} is ${source.status}; it must be connected before it can be backed up`);
    // One backup of a source at a time. A run still "running" after a day is presumed abandoned
    // (its worker died) and does not block a new one.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"holdfast.backup-request:" + source.id}, 0))`);
    const [running] = await tx
      .select({ id: backupRuns.id })
      .from(backupRuns)
      .where(and(eq(backupRuns.tenantId, ctx.tenantId), eq(backupRuns.sourceId, source.id), eq(backupRuns.status, "running"), gt(backupRuns.startedAt, new Date(Date.now() - RUNNING_BLOCKS_MS))))
      .orderBy(desc(backupRuns.startedAt))
      .limit(1);
    if (running) throw conflict(`A backup of source ${source.id} is already running (job ${running.id}); follow it with GET /api/v1/jobs/${running.id}`);
    for (const unitId of unitIds ?? []) {
      const unit = await findUnit(tx, ctx.tenantId, unitId);
      if (unit.sourceId !== source.id) throw validation(`Unit ${unit.id} does not belong to source ${source.id}`, { field: "unitIds" });
      if (unit.state === "gone") throw validation(`Unit ${unit.id} (${unit.displayName}) no longer exists at the provider`, { field: "unitIds" });
    }
    // One unit is recorded on the run as its unit, as the workflow's own startRun records it.
    const [row] = await tx
      .insert(backupRuns)
      .values({ tenantId: ctx.tenantId, sourceId: source.id, unitId: unitIds?.length === 1 ? (unitIds[0] ?? null) : null, trigger: "on_demand", workflowId })
      .returning();
    if (!row) throw new Error("backup run insert returned no row");
    await audit(tx, ctx, "backup.request", { type: "backup_run", id: row.id }, { sourceId: source.id, unitIds: unitIds ?? null, workflowId });
    return row;
  });

  try {
    await jobs.startBackup({ tenantId: ctx.tenantId, sourceId: run.sourceId, workflowId, ...(unitIds ? { unitIds } : {}) });
  } catch (err) {
    childLogger({ tenantId: ctx.tenantId, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), component: "jobs" }).error({ err, runId: run.id, workflowId }, "backup workflow could not be started");
    const reason = "The backup could not be started: the job runner did not accept it. Nothing was backed up; try again.";
    await withTenant(ctx.db, ctx.tenantId, async (tx) => {
      await tx
        .update(backupRuns)
        .set({ status: "failed", finishedAt: new Date(), errorSummary: reason })
        .where(and(eq(backupRuns.id, run.id), eq(backupRuns.tenantId, ctx.tenantId), eq(backupRuns.status, "running")));
      await audit(tx, ctx, "backup.start_failed", { type: "backup_run", id: run.id }, { workflowId });
    });
    throw unavailable(`${reason} (job ${run.id})`);
  }
  return { jobId: run.id };
}
