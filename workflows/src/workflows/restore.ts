// A restore job: its selection resolved and written back batch by batch (each batch records every
// item's outcome), then the job's verdict. The cursor is workflow state and survives
// continue-as-new; a retried batch skips the items it already recorded.
import { ApplicationFailure, ContinueAsNew, continueAsNew, isCancellation, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { RestoreActivities } from "../activities/restore/activities";
import { NON_RETRYABLE_ERROR_TYPES, RESTORE_BATCH, RESTORE_BATCHES_PER_RUN, type RestoreCounts, RestoreInput, type RestoreResult, ZERO_COUNTS } from "../contracts";
import { failureMessage } from "./backup-unit";

const { restoreBatch } = proxyActivities<RestoreActivities>({
  startToCloseTimeout: "30 minutes",
  heartbeatTimeout: "2 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "2 minutes", maximumAttempts: 6, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, "RestoreTargetDisconnected"] },
});
const { finishRestore } = proxyActivities<RestoreActivities>({
  startToCloseTimeout: "1 minute",
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

function add(a: RestoreCounts, b: RestoreCounts): RestoreCounts {
  return { created: a.created + b.created, replaced: a.replaced + b.replaced, copied: a.copied + b.copied, skipped: a.skipped + b.skipped, failed: a.failed + b.failed };
}

export function summarise(c: RestoreCounts): string {
  return `${c.created} restored, ${c.copied} restored as copies, ${c.replaced} replaced, ${c.skipped} skipped, ${c.failed} failed`;
}

export async function restore(raw: RestoreInput & { resume?: { cursor: string | null; counts: RestoreCounts } }): Promise<RestoreResult> {
  const parsed = RestoreInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid restore input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, restoreId } = parsed.data;
  let cursor = raw.resume?.cursor ?? null;
  let counts = raw.resume?.counts ?? { ...ZERO_COUNTS };
  try {
    for (let n = 0; ; n++) {
      if (n > 0 && (n >= RESTORE_BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested)) {
        return await continueAsNew<typeof restore>({ tenantId, restoreId, resume: { cursor, counts } });
      }
      const r = await restoreBatch({ tenantId, restoreId, cursor, limit: RESTORE_BATCH });
      counts = add(counts, r.counts);
      cursor = r.cursor;
      if (cursor === null) break;
    }
  } catch (e) {
    if (e instanceof ContinueAsNew || isCancellation(e)) throw e;
    const error = failureMessage(e);
    await finishRestore({ tenantId, restoreId, status: "failed", summary: `${summarise(counts)}; stopped: ${error}` });
    return { restoreId, status: "failed", counts, error };
  }
  const status = counts.failed > 0 ? "completed_with_errors" : "completed";
  await finishRestore({ tenantId, restoreId, status, summary: summarise(counts) });
  return { restoreId, status, counts };
}
