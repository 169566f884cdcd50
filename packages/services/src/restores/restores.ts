// Restore jobs: requested by a member (operator and up) or, for their own units and back to where
// the data came from, by a self-service person (ADR 0016); run by the worker (system actor), each
// item's outcome recorded and shown. A self-service person sees only the restores they requested.
// The selection is resolved from the catalogue as of the job's time, page by page, when the job runs;
// items erased from backups are never selected (by folder or whole unit they are simply left out).
import { and, asc, eq, inArray, items, RESTORE_STATUSES, restoreJobItems, restoreJobs, sql, withTenant, type RestoreJob as RestoreJobRow } from "@holdfast/db";
import { z } from "zod";
import { resolveAsOf } from "../catalogue/resolve-as-of";
import { audit, isSelfService, requireUnitAccess, type TenantContext } from "../context";
import { conflict, forbidden, notFound, validation } from "../errors";
import { decodeCursor, encodeCursor } from "../catalogue/map";
import { itemErasedError } from "../erasure/guards";
import { ownJobsOnly } from "../jobs/scope";
import { findUnit, refuseIfUnitSourceRemoved } from "../sources/guards";

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

export const RestoreJobView = z.object({
  id: z.string().uuid(),
  sourceId: z.string().uuid(),
  unitId: z.string().uuid(),
  targetUnitId: z.string().uuid(),
  asOf: z.string().datetime(),
  conflict: z.enum(["skip", "copy", "replace"]),
  copyFolder: z.string(),
  status: z.enum(RESTORE_STATUSES),
  counts: z.object({ created: z.number().int(), replaced: z.number().int(), copied: z.number().int(), skipped: z.number().int(), failed: z.number().int() }),
  summary: z.string().nullable(),
  createdAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
});
export type RestoreJobView = z.infer<typeof RestoreJobView>;
export type Restore = RestoreJobView;

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
  // "10.15", not "10:15": OneDrive and SharePoint refuse ":" in a folder name.
  return `Restored by Holdfast (as of ${asOf.toISOString().slice(0, 16).replace("T", " ").replace(":", ".")} UTC)`;
}

/** Records a restore request; the caller starts its workflow. Audited with what and where. */
export async function requestRestore(ctx: TenantContext, raw: RequestRestoreInput): Promise<Restore> {
  const input = RequestRestoreInput.parse(raw);
  requireUnitAccess(ctx, "operator", "Restoring data", [input.unitId]);
  // Self-service restores go back where the data came from: writing into another person's mailbox
  // or drive is an administrator's decision.
  if (isSelfService(ctx) && input.targetUnitId && input.targetUnitId !== input.unitId) {
    throw forbidden("With self-service access you can restore only to the original location; restoring into another user's account needs an administrator of this organisation");
  }
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const unit = await findUnit(tx, ctx.tenantId, input.unitId);
    const target = input.targetUnitId ? await findUnit(tx, ctx.tenantId, input.targetUnitId) : unit;
    if (target.kind !== unit.kind) throw validation(`A ${unit.kind} unit can be restored only into another ${unit.kind} unit, not ${target.kind}`);
    if (target.sourceId !== unit.sourceId) throw validation("Restoring into another organisation's source is not supported");
    // Nothing can be written into a removed source's accounts: its credentials are gone (issue 7).
    await refuseIfUnitSourceRemoved(tx, ctx.tenantId, target, "nothing can be restored into its accounts (its credentials were deleted); export the data instead");
    if (input.itemIds?.length) {
      // Items the caller cannot see are not found; the caller's own items of another unit are a mistake to name.
      // A self-service person sees only this unit's items, so any other item is not found.
      const wanted = [...new Set(input.itemIds)];
      const found = await tx
        .select({ id: items.id, unitId: items.unitId, erasedAt: items.erasedAt })
        .from(items)
        .where(and(eq(items.tenantId, ctx.tenantId), inArray(items.id, wanted), isSelfService(ctx) ? eq(items.unitId, unit.id) : undefined));
      const missing = wanted.find((id) => !found.some((f) => f.id === id));
      if (missing) throw notFound(`Item ${missing}`);
      // Erased from backups (issue 7): named, so the caller can drop it from the selection.
      const erased = found.find((f) => f.erasedAt !== null);
      if (erased) throw itemErasedError(erased, true);
      const elsewhere = found.find((f) => f.unitId !== unit.id);
      if (elsewhere) throw validation(`Item ${elsewhere.id} is not in unit ${unit.id}; restore the items of one unit at a time`, { field: "items" });
    }
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

/**
 * A restore or export job by id (the worker's verbs serve both kinds); `kind` narrows it to one.
 * For a self-service person only the jobs they requested exist.
 */
async function findJob(ctx: TenantContext, restoreId: string, kind?: RestoreJobRow["kind"]): Promise<RestoreJobRow> {
  if (!z.string().uuid().safeParse(restoreId).success) throw notFound("Restore");
  const [row] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select()
      .from(restoreJobs)
      .where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId), kind ? eq(restoreJobs.kind, kind) : undefined, ownJobsOnly(ctx))),
  );
  if (!row) throw notFound("Restore");
  return row;
}

/** A restore job (exports are not restores: their ids are not found here). */
export async function getRestore(ctx: TenantContext, restoreId: string): Promise<Restore> {
  requireUnitAccess(ctx, "viewer", "Viewing a restore", []);
  return toRestore(await findJob(ctx, restoreId, "restore"));
}

export async function listRestoreItems(ctx: TenantContext, restoreId: string, opts: { limit?: number; offset?: number } = {}) {
  requireUnitAccess(ctx, "viewer", "Viewing a restore", []);
  await findJob(ctx, restoreId, "restore");
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

export const RestoreItem = z.object({
  id: z.string().uuid(),
  path: z.string().nullable(),
  externalId: z.string().nullable(),
  outcome: z.enum(["created", "replaced", "copied", "skipped", "failed", "exported"]),
  /** Where a copy (or a restore into another unit) was written. */
  newExternalId: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string().datetime(),
});
export type RestoreItem = z.infer<typeof RestoreItem>;

export const ListRestoreItemsInput = z.object({
  cursor: z.string().max(8192).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListRestoreItemsInput = z.input<typeof ListRestoreItemsInput>;

export const RestoreItemPage = z.object({ items: z.array(RestoreItem), nextCursor: z.string().nullable() });
export type RestoreItemPage = z.infer<typeof RestoreItemPage>;

/** Each item's outcome in a restore, in path order, a page at a time (a stable keyset cursor). */
export async function listRestoreItemPage(ctx: TenantContext, restoreId: string, raw: ListRestoreItemsInput = {}): Promise<RestoreItemPage> {
  const input = ListRestoreItemsInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Viewing a restore", []);
  await findJob(ctx, restoreId, "restore");
  const after = input.cursor ? decodeCursor(input.cursor, ["string", "string"]) : null;
  if (after && !z.string().uuid().safeParse(after[1]).success) throw validation("cursor must be a cursor returned by a previous page");
  const pathKey = sql<string>`coalesce(${restoreJobItems.path}, '')`;
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select()
      .from(restoreJobItems)
      .where(
        and(
          eq(restoreJobItems.restoreId, restoreId),
          eq(restoreJobItems.tenantId, ctx.tenantId),
          after ? sql`(${pathKey}, ${restoreJobItems.id}) > (${String(after[0])}, ${String(after[1])}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(pathKey), asc(restoreJobItems.id))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ id: r.id, path: r.path, externalId: r.externalId, outcome: r.outcome, newExternalId: r.newExternalId, reason: r.reason, at: r.at.toISOString() })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.path ?? "", last.id]) : null,
  };
}

/**
 * The requester's side when a recorded restore or export could not be handed to the job runner:
 * the job ends failed with the reason, so it never sits queued with nothing behind it.
 */
export async function failUnstartedRestore(ctx: TenantContext, restoreId: string, reason: string): Promise<void> {
  // Self-service: the job must be one they requested (findJob sees no other).
  requireUnitAccess(ctx, "operator", "Restoring data", []);
  const job = await findJob(ctx, restoreId);
  if (job.status !== "queued") throw conflict(`${job.kind === "export" ? "Export" : "Restore"} ${restoreId} is already ${job.status}`);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await tx
      .update(restoreJobs)
      .set({ status: "failed", summary: reason, finishedAt: new Date() })
      .where(and(eq(restoreJobs.id, restoreId), eq(restoreJobs.tenantId, ctx.tenantId), eq(restoreJobs.status, "queued")));
    await audit(tx, ctx, `${job.kind}.start_failed`, { type: job.kind, id: restoreId }, { reason });
  });
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
export async function nextRestoreBatch(ctx: TenantContext, restoreId: string, cursor: string | null, limit: number): Promise<{ refs: { vaultSnapshotId: string; vaultPath: string; itemId: string }[]; cursor: string | null }> {
  requireWorker(ctx);
  const job = await findJob(ctx, restoreId);
  const page = await resolveAsOf(ctx, { unitId: job.unitId, ...job.selection, asOf: job.asOf, limit, ...(cursor ? { cursor } : {}) });
  const refs = page.versions.flatMap((v) => (v.vault ? [{ vaultSnapshotId: v.vault.snapshotId, vaultPath: v.vault.path, itemId: v.itemId }] : []));
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
  /** The catalogue's item id: an outcome of an item erased since the selection is scrubbed as it is written. */
  itemId?: string;
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
      .values(results.map((r) => ({ tenantId: ctx.tenantId, restoreId, vaultSnapshotId: r.vaultSnapshotId, vaultPath: r.vaultPath, itemId: r.itemId ?? null, externalId: r.externalId, path: r.path, outcome: r.outcome, newExternalId: r.newExternalId ?? null, reason: r.reason ?? null })))
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
