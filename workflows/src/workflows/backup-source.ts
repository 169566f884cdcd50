// A source's backup run: discovery, then one child backupUnit per protected unit with bounded
// concurrency, then the run's verdict. A run is `completed` only when every unit completed with
// every item captured; items that could not be captured make it `completed_with_warnings`; units
// that failed make it `completed_with_warnings` (some failed) or `failed` (all failed, or
// discovery failed). Never "success" with holes.
//
// A tenant may have tens of thousands of units and each child costs ~10 history events, so after
// `childrenPerRun` children (or when Temporal suggests it) the run lets its children in flight
// finish and continues as new with the units not started yet and the tally of those done
// (backup-tally.ts): the verdict and summary are those a single history would have produced.
// Discovery and startBackupRun are not repeated; child ids stay `backup-unit:<run>:<unit>`.
import { ApplicationFailure, ContinueAsNew, continueAsNew, executeChild, isCancellation, log, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { BackupActivities } from "../activities/backup/activities";
import {
  BackupSourceInput,
  type BackupSourceResult,
  type BackupUnitResult,
  backupWorkflowIds,
  CHILDREN_PER_RUN,
  EMPTY_STATS,
  NON_RETRYABLE_ERROR_TYPES,
  type RunStatus,
  type RunTally,
} from "../contracts";
import { backupUnit, failureMessage, failureType } from "./backup-unit";
import { addResult, EMPTY_TALLY, tallySummary, tallyVerdict } from "./backup-tally";

const { startBackupRun, finishBackupRun, recordUnitFailure } = proxyActivities<BackupActivities>({
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
  return tallyVerdict(results.reduce(addResult, EMPTY_TALLY));
}

export async function backupSource(raw: BackupSourceInput): Promise<BackupSourceResult> {
  const parsed = BackupSourceInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid backupSource input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  const { tenantId, sourceId } = input;
  const perRun = input.childrenPerRun ?? CHILDREN_PER_RUN;

  let runId: string;
  let queue: string[];
  let tally: RunTally;
  const hops = input.resume?.hops ?? 0;
  if (input.resume) {
    ({ runId, queue, tally } = input.resume);
    queue = [...queue];
  } else {
    runId = await startBackupRun({ tenantId, sourceId, trigger: input.trigger, workflowId: workflowInfo().workflowId, ...(input.unitIds ? { unitIds: input.unitIds } : {}) });
    try {
      queue = await discoverUnits({ tenantId, sourceId, ...(input.unitIds ? { unitIds: input.unitIds } : {}) });
    } catch (e) {
      const summary = failureType(e) === "SourceDisconnected" ? failureMessage(e) : `discovery failed: ${failureMessage(e)}`;
      await finishBackupRun({ tenantId, runId, status: "failed", summary, stats: EMPTY_STATS });
      return { runId, status: "failed", units: 0, failedUnits: 0, stats: EMPTY_STATS, failures: [], hops: 0 };
    }
    tally = EMPTY_TALLY;
  }

  let started = 0;
  // At least one child per run, so a run that starts with the suggestion already set still advances.
  const mayStart = () => started === 0 || (started < perRun && !workflowInfo().continueAsNewSuggested);
  const worker = async (): Promise<void> => {
    while (mayStart()) {
      const unitId = queue.shift();
      if (unitId === undefined) return;
      started += 1;
      let result: BackupUnitResult;
      try {
        result = await executeChild(backupUnit, {
          workflowId: backupWorkflowIds.backupUnit(runId, unitId),
          args: [{ tenantId, sourceId, unitId, runId, ...(input.segmentBudget ? { budget: input.segmentBudget } : {}) }],
        });
      } catch (e) {
        // The child ended without a result (terminated, timed out, a bug): the unit failed, and is
        // recorded as such, rather than the whole run stopping with its row left open.
        if (e instanceof ContinueAsNew || isCancellation(e)) throw e;
        const error = `its backup workflow ended without a result: ${failureMessage(e)}`;
        await recordUnitFailure({ tenantId, runId, unitId, code: "failed", message: error });
        result = { unitId, status: "failed", vaultSnapshotId: null, stats: EMPTY_STATS, error };
      }
      tally = addResult(tally, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? DEFAULT_UNIT_CONCURRENCY, Math.max(queue.length, 1)) }, worker));

  if (queue.length > 0) {
    log.info("continuing as new", { runId, done: tally.units, left: queue.length, hops: hops + 1 });
    // The unit list (on-demand) is already in the queue; it is not carried twice.
    const { unitIds: _unitIds, resume: _resume, ...rest } = input;
    return continueAsNew<typeof backupSource>({ ...rest, resume: { runId, queue, tally, hops: hops + 1 } });
  }

  const status = tallyVerdict(tally);
  log.info("backup run finished", { runId, status, units: tally.units, hops });
  await finishBackupRun({ tenantId, runId, status, summary: tallySummary(tally), stats: tally.stats });
  return { runId, status, units: tally.units, failedUnits: tally.failedUnits, stats: tally.stats, failures: tally.failures, hops };
}
