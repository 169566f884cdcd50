// The catalogue side of the daily retentionSweep (docs/adr/0018-retention-policies.md, "Sweep"):
// which held snapshots need their locks raised, recording that, expiring what is past its
// retain-until and not held, and the sweep's log. The vault side (raising locks, GC) is the
// worker's. Everything runs as the tenant's `system` actor under RLS; the one cross-tenant read
// is `holdfast_retention_sweep_tenants`, and migration 0022's trigger re-checks every expiry.
import { and, eq, retentionSweeps, snapshots, sql, withTenant, type Database } from "@holdfast/db";
import { audit, type TenantContext } from "../context";
import { forbidden, notFound } from "../errors";
import { lockRetention } from "./store";

/** A held snapshot whose retain-until falls within this horizon (or has passed) is extended. */
export const HELD_EXTEND_HORIZON_DAYS = 30;
/** How far ahead a held snapshot's locks (and retain-until) are raised. */
export const HELD_EXTEND_DAYS = 60;
const DAY_MS = 86_400_000;

function requireWorker(ctx: TenantContext): void {
  if (ctx.actor.type !== "system") throw forbidden("The retention sweep is carried out by the worker only");
}

/** An active hold covers the snapshot's unit, or the whole organisation. */
const held = sql`exists (select 1 from legal_holds h where h.tenant_id = ${snapshots.tenantId} and h.released_at is null and (h.unit_id is null or h.unit_id = ${snapshots.unitId}))`;

/**
 * Kept though its date has come: held; or the unit's latest snapshot (the next incremental backup's
 * parent, and the last restore point a protected unit must never lose) — unless the unit's source
 * was removed: nothing protects it any more and no backup continues from it, so its latest goes at
 * its date like any other (issue 7, product choice); or still needed to restore what another
 * snapshot shows — an item version is read from the vault snapshot it was first captured in and is
 * carried over unchanged into later ones, so that manifest must outlive every snapshot whose range
 * (first_seq..last_seq, inclusive) includes the version and that is still a restore point (committed,
 * whatever its own date: it may be kept itself) or being written (open). Keeping only flows from a
 * later snapshot to an earlier one, so `expireSnapshots` repeats until nothing more expires.
 */
const kept = sql`(${held}
  or exists (select 1 from units u join sources src on src.id = u.source_id and src.tenant_id = u.tenant_id
             where u.id = ${snapshots.unitId} and u.last_snapshot_id = ${snapshots.id} and src.status <> 'removed')
  or exists (select 1 from item_versions v join snapshots l on l.unit_id = v.unit_id and l.tenant_id = v.tenant_id
             where v.tenant_id = ${snapshots.tenantId} and v.unit_id = ${snapshots.unitId} and v.vault_snapshot_id = ${snapshots.vaultSnapshotId}
               and l.id <> ${snapshots.id} and l.status in ('committed', 'open')
               and l.seq >= v.first_seq and (v.last_seq is null or l.seq <= v.last_seq)))`;

/**
 * Passes of one `expireSnapshots`: each expires what no remaining snapshot needs, which can free the
 * one before it in a chain. What a long chain leaves over is kept until the next day's sweep (kept
 * longer, never shorter).
 */
export const MAX_EXPIRY_PASSES = 50;

/** Tenants with a vault: every one is swept daily. */
export async function retentionSweepTenants(db: Database): Promise<string[]> {
  const res = await db.execute<{ tenant_id: string }>(sql`select tenant_id from holdfast_retention_sweep_tenants() order by tenant_id`);
  return res.rows.map((r) => r.tenant_id);
}

/** Opens the tenant's sweep log entry (`running`); its id. */
export async function startRetentionSweep(ctx: TenantContext, now = new Date()): Promise<string> {
  requireWorker(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx.insert(retentionSweeps).values({ tenantId: ctx.tenantId, startedAt: now }).returning({ id: retentionSweeps.id });
    if (!row) throw new Error("retention sweep insert returned no row");
    return row.id;
  });
}

export interface HeldSnapshot {
  snapshotId: string;
  vaultSnapshotId: string;
  retainUntil: Date;
}

/**
 * Committed snapshots that are kept (held, a unit's latest, or still needed by another restore
 * point; see `kept`; the sweep expires what it can first, so these are what stays) whose retain-until is within HELD_EXTEND_HORIZON_DAYS of `now` or past; soonest first, at most `limit`.
 * Each one extended moves past the horizon, so reading again returns the next ones.
 */
export async function heldSnapshotsToExtend(ctx: TenantContext, now: Date, limit: number): Promise<HeldSnapshot[]> {
  requireWorker(ctx);
  const horizon = new Date(now.getTime() + HELD_EXTEND_HORIZON_DAYS * DAY_MS);
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ id: snapshots.id, vaultSnapshotId: snapshots.vaultSnapshotId, retainUntil: snapshots.retainUntil })
      .from(snapshots)
      .where(and(eq(snapshots.tenantId, ctx.tenantId), eq(snapshots.status, "committed"), sql`${snapshots.retainUntil} <= ${horizon.toISOString()}::timestamptz`, kept))
      .orderBy(snapshots.retainUntil, snapshots.id)
      .limit(limit),
  );
  return rows.flatMap((r) => (r.vaultSnapshotId && r.retainUntil ? [{ snapshotId: r.id, vaultSnapshotId: r.vaultSnapshotId, retainUntil: r.retainUntil }] : []));
}

/** The date a held snapshot's locks are raised to. */
export function heldExtensionDate(now: Date): Date {
  return new Date(now.getTime() + HELD_EXTEND_DAYS * DAY_MS);
}

/**
 * Records that the vault's locks of the snapshot were raised to `until`: its retain-until moves
 * there (never earlier; migration 0018 refuses that anyway). Call only after the vault accepted it,
 * so the catalogue never promises more than the locks hold.
 */
export async function recordHeldExtension(ctx: TenantContext, snapshotId: string, until: Date): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const updated = await tx
      .update(snapshots)
      .set({ retainUntil: sql`greatest(${snapshots.retainUntil}, ${until.toISOString()}::timestamptz)` })
      .where(and(eq(snapshots.id, snapshotId), eq(snapshots.tenantId, ctx.tenantId)))
      .returning({ id: snapshots.id });
    if (updated.length === 0) throw notFound("Snapshot");
  });
}

/**
 * Marks the tenant's committed snapshots whose retain-until is before `now` and that are not kept
 * (held, a unit's latest, or needed by a live snapshot) `expired`; the number expired. Serialised with placing a hold (the retention lock), so
 * a hold placed meanwhile is either seen here or waits for this to commit.
 *
 * In the same transaction, every item version that one of them held and that no committed or open
 * snapshot holds any more is marked expired (migration 0037 checks each mark): nothing can restore
 * it, so browse, search and an item's versions stop offering it. Only versions whose range meets a
 * snapshot expired now are looked at; earlier ones were marked by earlier sweeps (or the migration).
 */
export async function expireSnapshots(ctx: TenantContext, now = new Date()): Promise<number> {
  requireWorker(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await lockRetention(tx, ctx.tenantId);
    const rows: { id: string }[] = [];
    for (let pass = 0; pass < MAX_EXPIRY_PASSES; pass++) {
      const expired = await tx
        .update(snapshots)
        .set({ status: "expired", expiredAt: sql`now()` })
        .where(and(eq(snapshots.tenantId, ctx.tenantId), eq(snapshots.status, "committed"), sql`${snapshots.retainUntil} < ${now.toISOString()}::timestamptz`, sql`not ${kept}`))
        .returning({ id: snapshots.id });
      if (expired.length === 0) break;
      rows.push(...expired);
    }
    if (rows.length === 0) return 0;
    await tx.execute(sql`
      update item_versions v set expired_at = now()
        from (select s.unit_id, min(s.seq) as lo, max(s.seq) as hi from snapshots s
               where s.tenant_id = ${ctx.tenantId} and s.id = any(${sql.param(rows.map((r) => r.id))}::uuid[])
               group by s.unit_id) e
       where v.tenant_id = ${ctx.tenantId} and v.unit_id = e.unit_id and v.expired_at is null
         and v.first_seq <= e.hi and (v.last_seq is null or v.last_seq >= e.lo)
         and not exists (select 1 from snapshots l
                          where l.tenant_id = v.tenant_id and l.unit_id = v.unit_id and l.status in ('committed', 'open')
                            and l.seq >= v.first_seq and (v.last_seq is null or l.seq <= v.last_seq))`);
    return rows.length;
  });
}

/** Stores the vault GC's report (already trimmed by the caller) on the sweep's log entry. */
export async function recordSweepGcReport(ctx: TenantContext, sweepId: string, report: Record<string, unknown>): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const updated = await tx.update(retentionSweeps).set({ gcReport: report }).where(and(eq(retentionSweeps.id, sweepId), eq(retentionSweeps.tenantId, ctx.tenantId))).returning({ id: retentionSweeps.id });
    if (updated.length === 0) throw notFound("Retention sweep");
  });
}

export interface RetentionSweepOutcome {
  expiredSnapshots: number;
  heldExtended: number;
  /** Set when the sweep failed: what went wrong (no secrets: an error message). */
  error?: string;
}

/** Closes the sweep's log entry (`completed`, or `failed` with the error) and audits `retention.swept`. */
export async function finishRetentionSweep(ctx: TenantContext, sweepId: string, outcome: RetentionSweepOutcome, now = new Date()): Promise<void> {
  requireWorker(ctx);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const status = outcome.error === undefined ? "completed" : "failed";
    const [row] = await tx
      .update(retentionSweeps)
      .set({ status, finishedAt: now, expiredSnapshots: outcome.expiredSnapshots, heldExtended: outcome.heldExtended, error: outcome.error ?? null })
      .where(and(eq(retentionSweeps.id, sweepId), eq(retentionSweeps.tenantId, ctx.tenantId), eq(retentionSweeps.status, "running")))
      .returning({ gcReport: retentionSweeps.gcReport });
    // Already closed: a retried activity whose first attempt committed.
    if (!row) return;
    const gc = row.gcReport as { snapshotsDeleted?: unknown; packsDeleted?: unknown; indexesDeleted?: unknown; problemCount?: unknown } | null;
    await audit(tx, ctx, "retention.swept", { type: "retention_sweep", id: sweepId }, {
      status,
      expiredSnapshots: outcome.expiredSnapshots,
      heldExtended: outcome.heldExtended,
      ...(gc ? { gc: { snapshotsDeleted: gc.snapshotsDeleted, packsDeleted: gc.packsDeleted, indexesDeleted: gc.indexesDeleted, problems: gc.problemCount } } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error.slice(0, 500) } : {}),
    });
  });
}
