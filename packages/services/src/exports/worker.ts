// The worker's side of an export job (system actor only): start it, resolve its selection from the
// catalogue as of the job's time, and finish it in one transaction with its archive and every
// item's outcome — so a retried attempt either finds the job finished or records everything once.
import { and, eq, inArray, lte, restoreJobItems, restoreJobs, sql, withTenant } from "@holdfast/db";
import { audit, type TenantContext } from "../context";
import { forbidden } from "../errors";
import { resolveAsOf } from "../catalogue/resolve-as-of";
import { findExportRow, type ExportRow } from "./map";

function requireWorker(ctx: TenantContext): void {
  if (ctx.actor.type !== "system") throw forbidden("Exports are carried out by the worker only");
}

export const FINISHED = new Set<ExportRow["status"]>(["completed", "completed_with_errors", "failed", "cancelled"]);

/** Worker: the job, marked running (unless it already finished: a retried attempt then stops). */
export async function startExportJob(ctx: TenantContext, exportId: string, workflowId: string): Promise<ExportRow> {
  requireWorker(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const job = await findExportRow(tx, ctx.tenantId, exportId);
    if (job.status !== "queued") return job;
    const [running] = await tx
      .update(restoreJobs)
      .set({ status: "running", workflowId })
      .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, ctx.tenantId)))
      .returning();
    return (running ?? job) as ExportRow;
  });
}

export interface ExportSelectionRef {
  vaultSnapshotId: string;
  vaultPath: string;
  /** The catalogue's item id. */
  itemId: string;
  path: string;
  kind: string;
}

/** Worker: every item version the job selects, as of its time, in path order (folders first). */
export async function resolveExportSelection(ctx: TenantContext, exportId: string, pageSize = 5000): Promise<{ refs: ExportSelectionRef[]; withoutContent: number }> {
  requireWorker(ctx);
  const job = await withTenant(ctx.db, ctx.tenantId, (tx) => findExportRow(tx, ctx.tenantId, exportId));
  const refs: ExportSelectionRef[] = [];
  let withoutContent = 0;
  let cursor: string | undefined;
  do {
    const page = await resolveAsOf(ctx, { unitId: job.unitId, ...job.selection, asOf: job.asOf, limit: pageSize, ...(cursor ? { cursor } : {}) });
    for (const v of page.versions) {
      if (v.vault) refs.push({ vaultSnapshotId: v.vault.snapshotId, vaultPath: v.vault.path, itemId: v.itemId, path: v.path, kind: v.kind });
      else withoutContent += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { refs, withoutContent };
}

export interface ExportOutcomeInput {
  vaultSnapshotId: string;
  vaultPath: string;
  /** The catalogue's item id: an outcome of an item erased since the selection is scrubbed as it is written. */
  itemId?: string;
  externalId: string | null;
  path: string | null;
  outcome: "exported" | "failed";
  reason?: string;
}

export interface CompleteExportInput {
  /** Where the archive is stored; null when nothing could be stored (the job then fails). */
  objectKey: string | null;
  bytes: number;
  expiresAt: Date;
  outcomes: readonly ExportOutcomeInput[];
  /** Overrides the verdict derived from the outcomes (e.g. `failed` when no archive was stored). */
  status?: "completed" | "completed_with_errors" | "failed";
  summary?: string;
}

/**
 * Worker: finishes the job with its archive and every item's outcome, in one transaction. A job
 * that already finished is left as it is (a retried activity must not record anything twice).
 */
export async function completeExportJob(ctx: TenantContext, exportId: string, input: CompleteExportInput): Promise<ExportRow> {
  requireWorker(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const job = await findExportRow(tx, ctx.tenantId, exportId);
    if (FINISHED.has(job.status)) return job;
    for (let i = 0; i < input.outcomes.length; i += 1000) {
      await tx
        .insert(restoreJobItems)
        .values(
          input.outcomes.slice(i, i + 1000).map((o) => ({
            tenantId: ctx.tenantId,
            restoreId: exportId,
            vaultSnapshotId: o.vaultSnapshotId,
            vaultPath: o.vaultPath,
            itemId: o.itemId ?? null,
            externalId: o.externalId,
            path: o.path,
            outcome: o.outcome,
            reason: o.outcome === "failed" ? (o.reason ?? "failed for an unknown reason") : null,
          })),
        )
        .onConflictDoNothing();
    }
    const exported = input.outcomes.filter((o) => o.outcome === "exported").length;
    const failed = input.outcomes.length - exported;
    const status = input.status ?? (input.objectKey === null || (failed > 0 && exported === 0) ? "failed" : failed > 0 ? "completed_with_errors" : "completed");
    const summary = input.summary ?? `${exported} exported, ${failed} failed`;
    const [row] = await tx
      .update(restoreJobs)
      .set({
        status,
        summary: summary.slice(0, 4000),
        failed,
        finishedAt: new Date(),
        exportObjectKey: input.objectKey,
        exportBytes: input.objectKey === null ? null : input.bytes,
        exportExpiresAt: input.objectKey === null ? null : input.expiresAt,
      })
      .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, ctx.tenantId)))
      .returning();
    await audit(tx, ctx, "export.finish", { type: "export", id: exportId }, { status, exported, failed, bytes: input.objectKey === null ? 0 : input.bytes });
    return (row ?? job) as ExportRow;
  });
}

/** Worker: the job could not be carried out at all; it fails with the reason (unless it already finished). */
export async function failExportJob(ctx: TenantContext, exportId: string, reason: string): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const job = await findExportRow(tx, ctx.tenantId, exportId);
    if (FINISHED.has(job.status)) return;
    await tx
      .update(restoreJobs)
      .set({ status: "failed", summary: reason.slice(0, 4000), finishedAt: new Date() })
      .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, ctx.tenantId), inArray(restoreJobs.status, ["queued", "running"])));
    await audit(tx, ctx, "export.finish", { type: "export", id: exportId }, { status: "failed", reason: reason.slice(0, 500) });
  });
}

/** Worker: archives of this tenant past their expiry that are still stored. */
export async function expiredExports(ctx: TenantContext, now = new Date()): Promise<{ id: string; objectKey: string }[]> {
  requireWorker(ctx);
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ id: restoreJobs.id, objectKey: restoreJobs.exportObjectKey })
      .from(restoreJobs)
      .where(and(eq(restoreJobs.tenantId, ctx.tenantId), eq(restoreJobs.kind, "export"), sql`${restoreJobs.exportObjectKey} IS NOT NULL`, lte(restoreJobs.exportExpiresAt, now)))
      .limit(1000),
  );
  return rows.flatMap((r) => (r.objectKey ? [{ id: r.id, objectKey: r.objectKey }] : []));
}

/** Worker: the expired archive was deleted from the exports store. */
export async function markExportDeleted(ctx: TenantContext, exportId: string): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await tx
      .update(restoreJobs)
      .set({ exportObjectKey: null })
      .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, ctx.tenantId), sql`${restoreJobs.exportExpiresAt} <= now()`));
    await audit(tx, ctx, "export.expired", { type: "export", id: exportId });
  });
}
