import { and, backupRuns, eq, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { findRun } from "./guards";
import { toRun } from "./map";
import { FinishRunInput, type BackupRun } from "./types";

/**
 * End a run. A run that finished with any recorded issue is `completed_with_warnings`, never
 * `completed`: a backup with holes does not report success. Finishing twice the same way is a no-op.
 */
export async function finishRun(ctx: TenantContext, runId: string, raw: FinishRunInput, now = new Date()): Promise<BackupRun> {
  const input = FinishRunInput.parse(raw);
  requireRole(ctx, "operator", "Finishing a backup");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const run = await findRun(tx, ctx.tenantId, runId);
    const status = input.outcome === "finished" ? (run.issueCount > 0 ? "completed_with_warnings" : "completed") : input.outcome;
    if (run.status !== "running") {
      if (run.status === status) return toRun(run);
      throw conflict(`Backup run ${runId} already ended as ${run.status}`);
    }
    const [row] = await tx
      .update(backupRuns)
      .set({
        status,
        // The counts accumulated as segments committed stand unless the caller gives totals.
        ...(input.itemsDone !== undefined ? { itemsDone: input.itemsDone } : {}),
        ...(input.bytesDone !== undefined ? { bytesDone: input.bytesDone } : {}),
        errorSummary: input.errorSummary ?? null,
        finishedAt: now,
      })
      .where(and(eq(backupRuns.id, runId), eq(backupRuns.tenantId, ctx.tenantId)))
      .returning();
    if (!row) throw new Error("backup run update returned no row");
    return toRun(row);
  });
}
