import { and, backupRuns, eq, runIssues, sql, withTenant } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { conflict, validation } from "../errors";
import { findUnit } from "../sources/guards";
import { findRun } from "./guards";
import { MAX_BATCH, RunIssueInput } from "./types";

const RecordIssuesInput = z.array(RunIssueInput).min(1, "give at least one issue").max(MAX_BATCH, `at most ${MAX_BATCH} issues per call`);

/** Record what a run could not capture and why; the run then cannot end as plain `completed`. */
export async function recordRunIssues(ctx: TenantContext, runId: string, raw: z.input<typeof RecordIssuesInput>, now = new Date()): Promise<{ recorded: number }> {
  const issues = RecordIssuesInput.parse(raw);
  requireRole(ctx, "operator", "Recording backup issues");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const run = await findRun(tx, ctx.tenantId, runId);
    if (run.status !== "running") throw conflict(`Backup run ${runId} already ended as ${run.status}`);
    for (const unitId of new Set(issues.flatMap((i) => (i.unitId ? [i.unitId] : [])))) {
      const unit = await findUnit(tx, ctx.tenantId, unitId);
      if (unit.sourceId !== run.sourceId) throw validation(`Unit ${unitId} does not belong to the run's source`);
    }
    await tx.insert(runIssues).values(
      issues.map((i) => ({
        tenantId: ctx.tenantId,
        runId,
        unitId: i.unitId ?? null,
        itemExternalId: i.itemExternalId ?? null,
        path: i.path ?? null,
        reason: i.reason,
        message: i.message,
        at: now,
      })),
    );
    await tx
      .update(backupRuns)
      .set({ issueCount: sql`${backupRuns.issueCount} + ${issues.length}` })
      .where(and(eq(backupRuns.id, runId), eq(backupRuns.tenantId, ctx.tenantId)));
    return { recorded: issues.length };
  });
}
