import { and, asc, backupRuns, eq, inArray, isUuid, restoreJobItems, restoreJobs, runIssues, sql, withTenant, type Tx } from "@holdfast/db";
import { isSelfService, requireUnitAccess, type TenantContext } from "../context";
import { notFound } from "../errors";
import { backupJob, restoreJob } from "./map";
import { ownJobsOnly } from "./scope";
import { MAX_JOB_WARNINGS, type Job, type JobWarning } from "./types";

const WARNING_OUTCOMES = ["failed", "skipped"] as const;

/** Items with an outcome, and how many of them failed or were skipped, per restore/export job. */
export async function restoreCounts(tx: Tx, tenantId: string, restoreIds: string[]): Promise<Map<string, { done: number; warnings: number }>> {
  if (restoreIds.length === 0) return new Map();
  const rows = await tx
    .select({
      restoreId: restoreJobItems.restoreId,
      done: sql<number>`count(*)::bigint`.mapWith(Number),
      warnings: sql<number>`count(*) filter (where ${restoreJobItems.outcome} in ('failed', 'skipped'))::bigint`.mapWith(Number),
    })
    .from(restoreJobItems)
    .where(and(eq(restoreJobItems.tenantId, tenantId), inArray(restoreJobItems.restoreId, restoreIds)))
    .groupBy(restoreJobItems.restoreId);
  return new Map(rows.map((r) => [r.restoreId, { done: r.done, warnings: r.warnings }]));
}

/**
 * One job by id: a backup run (its issues are its warnings) or a restore or export job (its failed
 * and skipped items are). Ids of another organisation are not found; so, for a self-service
 * person, are backups and every restore or export they did not request (ADR 0016).
 */
export async function getJob(ctx: TenantContext, jobId: string): Promise<Job> {
  requireUnitAccess(ctx, "viewer", "Viewing a job", []);
  if (!isUuid(jobId)) throw notFound("Job");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [run] = isSelfService(ctx) ? [] : await tx.select().from(backupRuns).where(and(eq(backupRuns.id, jobId), eq(backupRuns.tenantId, ctx.tenantId)));
    if (run) {
      const issues = await tx
        .select()
        .from(runIssues)
        .where(and(eq(runIssues.runId, run.id), eq(runIssues.tenantId, ctx.tenantId)))
        .orderBy(asc(runIssues.at), asc(runIssues.id))
        .limit(MAX_JOB_WARNINGS);
      const warnings: JobWarning[] = issues.map((i) => ({
        code: i.reason,
        message: i.message,
        ...(i.itemExternalId ? { itemRef: i.itemExternalId } : {}),
        ...(i.path ? { path: i.path } : {}),
        ...(i.unitId ? { unitId: i.unitId } : {}),
      }));
      return { ...backupJob(run), warnings };
    }
    const [job] = await tx.select().from(restoreJobs).where(and(eq(restoreJobs.id, jobId), eq(restoreJobs.tenantId, ctx.tenantId), ownJobsOnly(ctx)));
    if (!job) throw notFound("Job");
    const counts = (await restoreCounts(tx, ctx.tenantId, [job.id])).get(job.id) ?? { done: 0, warnings: 0 };
    const items = await tx
      .select()
      .from(restoreJobItems)
      .where(and(eq(restoreJobItems.restoreId, job.id), eq(restoreJobItems.tenantId, ctx.tenantId), inArray(restoreJobItems.outcome, [...WARNING_OUTCOMES])))
      .orderBy(asc(restoreJobItems.at), asc(restoreJobItems.id))
      .limit(MAX_JOB_WARNINGS);
    const warnings: JobWarning[] = items.map((i) => ({
      code: i.outcome,
      message: i.reason ?? (i.outcome === "skipped" ? "An item with the same identity already exists at the target; it was left as it is" : i.outcome),
      ...(i.externalId ? { itemRef: i.externalId } : {}),
      ...(i.path ? { path: i.path } : {}),
      unitId: job.targetUnitId,
    }));
    return { ...restoreJob(job, counts.done, counts.warnings), warnings };
  });
}
