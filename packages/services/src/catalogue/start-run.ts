import { and, backupRuns, eq, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { conflict, validation } from "../errors";
import { findSource, findUnit, refuseIfRemoved } from "../sources/guards";
import { toRun } from "./map";
import { StartRunInput, type BackupRun } from "./types";

/**
 * Record the start of a backup run. Idempotent on the workflow id, so an activity retried after
 * the insert committed gets the same run back instead of a second one.
 */
export async function startRun(ctx: TenantContext, raw: StartRunInput, now = new Date()): Promise<BackupRun> {
  const input = StartRunInput.parse(raw);
  requireRole(ctx, "operator", "Starting a backup");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const source = await findSource(tx, ctx.tenantId, input.sourceId);
    refuseIfRemoved(source, "it is not backed up any more");
    if (source.status !== "connected") throw conflict(`Source ${source.id} is ${source.status}; reconnect it before backing it up`);
    if (input.unitId) {
      const unit = await findUnit(tx, ctx.tenantId, input.unitId);
      if (unit.sourceId !== source.id) throw validation(`Unit ${unit.id} does not belong to source ${source.id}`);
    }
    const [inserted] = await tx
      .insert(backupRuns)
      .values({ tenantId: ctx.tenantId, sourceId: source.id, unitId: input.unitId ?? null, trigger: input.trigger, workflowId: input.workflowId, startedAt: now })
      .onConflictDoNothing({ target: [backupRuns.tenantId, backupRuns.workflowId] })
      .returning();
    if (inserted) return toRun(inserted);
    const [existing] = await tx.select().from(backupRuns).where(and(eq(backupRuns.tenantId, ctx.tenantId), eq(backupRuns.workflowId, input.workflowId)));
    if (!existing) throw new Error("backup run vanished after a conflicting insert");
    if (existing.sourceId !== source.id || existing.unitId !== (input.unitId ?? null)) {
      throw conflict(`Workflow id ${input.workflowId} already belongs to a run of another source or unit`);
    }
    return toRun(existing);
  });
}
