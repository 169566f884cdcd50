// A source's backup run: discovery, then one child backupUnit per protected unit with bounded
// concurrency, then the run's verdict. A run is `completed` only when every unit completed with
// every item captured; items that could not be captured make it `completed_with_warnings`; units
// that failed make it `completed_with_warnings` (some failed) or `failed` (all failed, or
// discovery failed). Never "success" with holes.
import { ApplicationFailure, executeChild, log, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { BackupActivities } from "../activities/backup/activities";
import { addStats, BackupSourceInput, type BackupSourceResult, type BackupUnitResult, backupWorkflowIds, EMPTY_STATS, NON_RETRYABLE_ERROR_TYPES, type RunStatus } from "../contracts";
import { backupUnit, failureMessage, failureType } from "./backup-unit";

const { startBackupRun, finishBackupRun } = proxyActivities<BackupActivities>({
  startToCloseTimeout: "1 minute",
  retry: { initialInterval: "1 second", maximumInterval: "30 seconds", maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const { discoverUnits } = proxyActivities<BackupActivities>({
  // Discovery pages through the directory (users, drives, sites): minutes for large tenants.
  startToCloseTimeout: "15 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, "SourceDisconnected"] },
});

export const DEFAULT_UNIT_CONCURRENCY = 4;

export function verdict(results: readonly BackupUnitResult[]): RunStatus {
  const failed = results.filter((r) => r.status === "failed").length;
  if (results.length > 0 && failed === results.length) return "failed";
  if (failed > 0 || results.some((r) => r.status === "completed_with_warnings")) return "completed_with_warnings";
  return "completed";
}

export async function backupSource(raw: BackupSourceInput): Promise<BackupSourceResult> {
  const parsed = BackupSourceInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid backupSource input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  const { tenantId, sourceId } = input;
  const runId = await startBackupRun({ tenantId, sourceId, trigger: input.trigger, workflowId: workflowInfo().workflowId, ...(input.unitIds ? { unitIds: input.unitIds } : {}) });

  let unitIds: string[];
  try {
    unitIds = await discoverUnits({ tenantId, sourceId, ...(input.unitIds ? { unitIds: input.unitIds } : {}) });
  } catch (e) {
    const summary = failureType(e) === "SourceDisconnected" ? failureMessage(e) : `discovery failed: ${failureMessage(e)}`;
    await finishBackupRun({ tenantId, runId, status: "failed", summary, stats: EMPTY_STATS });
    return { runId, status: "failed", units: 0, failedUnits: 0, stats: EMPTY_STATS };
  }

  const results: BackupUnitResult[] = [];
  const queue = [...unitIds];
  const worker = async (): Promise<void> => {
    for (let unitId = queue.shift(); unitId !== undefined; unitId = queue.shift()) {
      const id = unitId;
      results.push(
        await executeChild(backupUnit, {
          workflowId: backupWorkflowIds.backupUnit(runId, id),
          args: [{ tenantId, sourceId, unitId: id, runId, ...(input.segmentBudget ? { budget: input.segmentBudget } : {}) }],
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? DEFAULT_UNIT_CONCURRENCY, Math.max(unitIds.length, 1)) }, worker));

  const status = verdict(results);
  const stats = results.reduce((acc, r) => addStats(acc, r.stats), EMPTY_STATS);
  const failedUnits = results.filter((r) => r.status === "failed");
  const summary =
    status === "completed"
      ? `${results.length} units backed up`
      : `${results.length - failedUnits.length} of ${results.length} units backed up; ${stats.issues} items not captured${failedUnits.length > 0 ? `; failed: ${failedUnits.map((r) => `${r.unitId} (${r.error ?? "unknown"})`).join(", ")}` : ""}`;
  log.info("backup run finished", { runId, status, units: results.length });
  await finishBackupRun({ tenantId, runId, status, summary, stats });
  return { runId, status, units: results.length, failedUnits: failedUnits.length, stats };
}
