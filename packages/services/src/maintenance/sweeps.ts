// The hourly maintenance sweeps (docs/adr/0014-run-hygiene-and-maintenance.md). They work across
// tenants, but the only cross-tenant read is `holdfast_maintenance_tenants`, a narrow definer
// function returning the ids of tenants with something to sweep; everything else happens inside
// each tenant's RLS context as its `system` actor, with the grants the application role already has.
import { and, eq, idempotencyKeys, lt, sql, withTenant, type Database } from "@holdfast/db";
import type { TenantContext } from "../context";
import { forbidden } from "../errors";
import { expiredExports, markExportDeleted } from "../exports/worker";

/**
 * How long an idempotency record answers retries: the REST layer's IDEMPOTENCY_TTL_MS (24 h,
 * packages/api/src/rest/idempotency.ts), which treats older records as absent. Past it a record
 * can never be replayed again, so deleting it changes no answer.
 */
export const IDEMPOTENCY_RECORD_TTL_MS = 24 * 60 * 60_000;

/** Archives deleted per page (expiredExports reads at most 1,000 at a time). */
const EXPORT_PAGE = 1000;

function requireWorker(ctx: TenantContext): void {
  if (ctx.actor.type !== "system") throw forbidden("Maintenance sweeps are carried out by the worker only");
}

/** Tenants with an export archive past its expiry still stored, or an idempotency record past its TTL. */
export async function tenantsDueForMaintenance(db: Database, now = new Date()): Promise<string[]> {
  const keysBefore = new Date(now.getTime() - IDEMPOTENCY_RECORD_TTL_MS);
  const res = await db.execute<{ tenant_id: string }>(sql`select tenant_id from holdfast_maintenance_tenants(${now.toISOString()}::timestamptz, ${keysBefore.toISOString()}::timestamptz) order by tenant_id`);
  return res.rows.map((r) => r.tenant_id);
}

/** Deletes the tenant's idempotency records past their TTL; the number deleted. */
export async function purgeExpiredIdempotencyKeys(ctx: TenantContext, now = new Date()): Promise<number> {
  requireWorker(ctx);
  const before = new Date(now.getTime() - IDEMPOTENCY_RECORD_TTL_MS);
  const deleted = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, ctx.tenantId), lt(idempotencyKeys.createdAt, before)))
      .returning({ key: idempotencyKeys.key }),
  );
  return deleted.length;
}

export interface ExportSweepResult {
  deleted: number;
  /** Archives that could not be deleted this time, with the reason; they stay listed and are retried next sweep. */
  failed: { exportId: string; reason: string }[];
}

/**
 * Deletes the tenant's expired export archives from the exports store, then marks each deleted
 * (in that order: a crash between the two leaves the row pointing at a missing object, which the
 * next sweep deletes again — S3 deletes are idempotent — and marks).
 */
export async function sweepExpiredExports(ctx: TenantContext, store: { delete(objectKey: string): Promise<void> }, now = new Date()): Promise<ExportSweepResult> {
  requireWorker(ctx);
  const result: ExportSweepResult = { deleted: 0, failed: [] };
  const failedIds = new Set<string>();
  for (;;) {
    const listed = await expiredExports(ctx, now);
    const page = listed.filter((e) => !failedIds.has(e.id));
    for (const e of page) {
      try {
        await store.delete(e.objectKey);
        await markExportDeleted(ctx, e.id);
        result.deleted += 1;
      } catch (err) {
        failedIds.add(e.id);
        result.failed.push({ exportId: e.id, reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    }
    // A short page was the last; a full page of earlier failures cannot advance until the next sweep.
    if (listed.length < EXPORT_PAGE || page.length === 0) break;
  }
  return result;
}
