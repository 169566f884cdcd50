// Restore jobs: requested by a member (operator and up), run by the worker (system actor), each
// item's outcome recorded and shown. The selection is resolved from the catalogue as of the
// job's time, page by page, when the job runs.
import { and, eq, inArray, restoreJobItems, restoreJobs, sql, withTenant, type RestoreJob as RestoreJobRow } from "@holdfast/db";
import { z } from "zod";
import { resolveAsOf } from "../catalogue/resolve-as-of";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden, notFound, validation } from "../errors";
import { findUnit } from "../sources/guards";

export const RequestRestoreInput = z.object({
  unitId: z.string().uuid(),
  /** Another unit of the same kind (another user's mailbox or drive); default: the same unit. */
  targetUnitId: z.string().uuid().optional(),
  itemIds: z.array(z.string().uuid()).max(10_000).optional(),
  paths: z.array(z.string().startsWith("/", "must start with /").max(8192)).max(1000).optional(),
  asOf: z.coerce.date(),
  conflict: z.enum(["skip", "copy", "replace"]).default("skip"),
  /** Where copies (and restores into another unit) go; default names the date it was restored as of. */
  copyFolder: z.string().trim().min(1).max(255).optional(),
});
export type RequestRestoreInput = z.input<typeof RequestRestoreInput>;

export interface Restore {
  id: string;
  sourceId: string;
  unitId: string;
  targetUnitId: string;
  asOf: string;
  conflict: "skip" | "copy" | "replace";
  copyFolder: string;
  status: RestoreJobRow["status"];
  counts: { created: number; replaced: number; copied: number; skipped: number; failed: number };
  summary: string | null;
  createdAt: string;
  finishedAt: string | null;
}

function toRestore(r: RestoreJobRow): Restore {
  return {
    id: r.id,
    sourceId: r.sourceId,
    unitId: r.unitId,
    targetUnitId: r.targetUnitId,
    asOf: r.asOf.toISOString(),
    conflict: r.conflict,
    copyFolder: r.copyFolder,
    status: r.status,
    counts: { created: r.created, replaced: r.replaced, copied: r.copied, skipped: r.skipped, failed: r.failed },
    summary: r.summary,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export function defaultCopyFolder(asOf: Date): string {
  return `Restored by Holdfast (as of ${asOf.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

/** Records a restore request; the caller starts its workflow. Audited with what and where. */
export async function requestRestore(ctx: TenantContext, raw: RequestRestoreInput): Promise<Restore> {
  const input = RequestRestoreInput.parse(raw);
  requireRole(ctx, "operator", "Restoring data");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const unit = await findUnit(tx, ctx.tenantId, input.unitId);
    const target = input.targetUnitId ? await findUnit(tx, ctx.tenantId, input.targetUnitId) : unit;
    if (target.kind !== unit.kind) throw validation(`A ${unit.kind} unit can be restored only into another ${unit.kind} unit, not ${target.kind}`);
    if (target.sourceId !== unit.sourceId) throw validation("Restoring into another organisation's source is not supported");
    const [row] = await tx
      .insert(restoreJobs)
      .values({
        tenantId: ctx.tenantId,
        sourceId: unit.sourceId,
        unitId: unit.id,
        targetUnitId: target.id,
        selection: { ...(input.itemIds ? { itemIds: input.itemIds } : {}), ...(input.paths ? { paths: input.paths } : {}) },
        asOf: input.asOf,
        conflict: input.conflict,
        copyFolder: input.copyFolder ?? defaultCopyFolder(input.asOf),
        requestedByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!row) throw new Error("restore insert returned no row");
    await audit(tx, ctx, "restore.request", { type: "restore", id: row.id }, { unitId: unit.id, targetUnitId: target.id, asOf: input.asOf.toISOString(), conflict: input.conflict, items: input.itemIds?.length ?? 0, paths: input.paths ?? [] });
    return toRestore(row);
  });
}

async function findJob(ctx: TenantContext, restoreId: string): Promise<RestoreJobRow> {
  if (!z.string().uuid().safeParse(restoreId).success) throw notFound("Restore");
  const [row] = await withTenant(ctx.db, ctx.tenantId, (tx) => tx.select().from(restoreJobs).where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId))));
  if (!row) throw notFound("Restore");
  return row;
}

export async function getRestore(ctx: TenantContext, restoreId: string): Promise<Restore> {
  requireRole(ctx, "viewer", "Viewing a restore");
  return toRestore(await findJob(ctx, restoreId));
}

export async function listRestoreItems(ctx: TenantContext, restoreId: string, opts: { limit?: number; offset?: number } = {}) {
  requireRole(ctx, "viewer", "Viewing a restore");
  await findJob(ctx, restoreId);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  return withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ path: restoreJobItems.path, externalId: restoreJobItems.externalId, outcome: restoreJobItems.outcome, newExternalId: restoreJobItems.newExternalId, reason: restoreJobItems.reason, at: restoreJobItems.at })
      .from(restoreJobItems)
      .where(and(eq(restoreJobItems.restoreId, restoreId), eq(restoreJobItems.tenantId, ctx.tenantId)))
      .orderBy(restoreJobItems.path, restoreJobItems.id)
      .limit(limit)
      .offset(opts.offset ?? 0),
  );
}

function requireWorker(ctx: TenantContext): void {
  if (ctx.actor.type !== "system") throw forbidden("Restores are carried out by the worker only");
}

/** Worker: the job, marked running. */
export async function startRestoreJob(ctx: TenantContext, restoreId: string, workflowId: string): Promise<RestoreJobRow> {
  requireWorker(ctx);
  const job = await findJob(ctx, restoreId);
  if (job.status === "queued") {
    await withTenant(ctx.db, ctx.tenantId, (tx) => tx.update(restoreJobs).set({ status: "running", workflowId }).where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId))));
  }
  return job;
}

/** Worker: the next page of the selection as of the job's time, without items that have an outcome. */
export async function nextRestoreBatch(ctx: TenantContext, restoreId: string, cursor: string | null, limit: number): Promise<{ refs: { vaultSnapshotId: string; vaultPath: string }[]; cursor: string | null }> {
  requireWorker(ctx);
  const job = await findJob(ctx, restoreId);
  const page = await resolveAsOf(ctx, { unitId: job.unitId, ...job.selection, asOf: job.asOf, limit, ...(cursor ? { cursor } : {}) });
  const refs = page.versions.flatMap((v) => (v.vault ? [{ vaultSnapshotId: v.vault.snapshotId, vaultPath: v.vault.path }] : []));
  if (refs.length === 0) return { refs, cursor: page.nextCursor };
  const done = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ s: restoreJobItems.vaultSnapshotId, p: restoreJobItems.vaultPath })
      .from(restoreJobItems)
      .where(and(eq(restoreJobItems.restoreId, restoreId), eq(restoreJobItems.tenantId, ctx.tenantId), inArray(restoreJobItems.vaultPath, refs.map((r) => r.vaultPath)))),
  );
  const seen = new Set(done.map((d) => `${d.s}\u0000${d.p}`));
  return { refs: refs.filter((r) => !seen.has(`${r.vaultSnapshotId}\u0000${r.vaultPath}`)), cursor: page.nextCursor };
}

export interface RestoreOutcomeInput {
  vaultSnapshotId: string;
  vaultPath: string;
  externalId: string | null;
  path: string | null;
  outcome: "created" | "replaced" | "copied" | "skipped" | "failed";
  newExternalId?: string;
  reason?: string;
}

/** Worker: each item's outcome, once (a retried batch does not count an item twice). */
export async function recordRestoreOutcomes(ctx: TenantContext, restoreId: string, results: RestoreOutcomeInput[]): Promise<void> {
  requireWorker(ctx);
  if (results.length === 0) return;
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const inserted = await tx
      .insert(restoreJobItems)
      .values(results.map((r) => ({ tenantId: ctx.tenantId, restoreId, vaultSnapshotId: r.vaultSnapshotId, vaultPath: r.vaultPath, externalId: r.externalId, path: r.path, outcome: r.outcome, newExternalId: r.newExternalId ?? null, reason: r.reason ?? null })))
      .onConflictDoNothing()
      .returning({ outcome: restoreJobItems.outcome });
    const n = (o: string) => inserted.filter((i) => i.outcome === o).length;
    await tx
      .update(restoreJobs)
      .set({
        created: sql`${restoreJobs.created} + ${n("created")}`,
        replaced: sql`${restoreJobs.replaced} + ${n("replaced")}`,
        copied: sql`${restoreJobs.copied} + ${n("copied")}`,
        skipped: sql`${restoreJobs.skipped} + ${n("skipped")}`,
        failed: sql`${restoreJobs.failed} + ${n("failed")}`,
      })
      .where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId)));
  });
}

export async function finishRestoreJob(ctx: TenantContext, restoreId: string, status: "completed" | "completed_with_errors" | "failed", summary: string): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await tx.update(restoreJobs).set({ status, summary, finishedAt: new Date() }).where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId)));
    await audit(tx, ctx, "restore.finish", { type: "restore", id: restoreId }, { status, summary });
  });
}
