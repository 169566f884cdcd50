import { and, eq, snapshots, sql, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { conflict, validation } from "../errors";
import { findUnit } from "../sources/guards";
import { findRun } from "./guards";
import { toSnapshot } from "./map";
import type { Snapshot } from "./types";

/**
 * Open the unit's snapshot for a run, numbered one past the unit's last. Idempotent per
 * (unit, run): a retried activity gets the same snapshot and seq.
 */
export async function openSnapshot(ctx: TenantContext, input: { unitId: string; runId: string }, now = new Date()): Promise<Snapshot> {
  requireRole(ctx, "operator", "Opening a snapshot");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const run = await findRun(tx, ctx.tenantId, input.runId);
    if (run.status !== "running") throw conflict(`Backup run ${run.id} already ended as ${run.status}`);
    const unit = await findUnit(tx, ctx.tenantId, input.unitId);
    if (unit.sourceId !== run.sourceId) throw validation(`Unit ${unit.id} does not belong to the run's source`);
    // Serialise seq allocation per unit.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"holdfast.snapshot:" + unit.id}, 0))`);
    const [existing] = await tx.select().from(snapshots).where(and(eq(snapshots.unitId, unit.id), eq(snapshots.runId, run.id), eq(snapshots.tenantId, ctx.tenantId)));
    if (existing) return toSnapshot(existing);
    const [last] = await tx
      .select({ seq: sql<number>`coalesce(max(${snapshots.seq}), 0)::int` })
      .from(snapshots)
      .where(and(eq(snapshots.unitId, unit.id), eq(snapshots.tenantId, ctx.tenantId)));
    const [row] = await tx
      .insert(snapshots)
      .values({ tenantId: ctx.tenantId, unitId: unit.id, runId: run.id, seq: (last?.seq ?? 0) + 1, startedAt: now })
      .returning();
    if (!row) throw new Error("snapshot insert returned no row");
    return toSnapshot(row);
  });
}
