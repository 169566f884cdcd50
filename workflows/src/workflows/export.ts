// An export job: one long activity streams the selection into an archive in the exports store
// and finishes the job; when it cannot (retries exhausted, cancelled), the job fails with why.
import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from "@temporalio/workflow";
import type { ExportActivities } from "../activities/export/activities";
import { ExportJobInput, type ExportJobResult, NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import { failureMessage } from "./backup-unit";

const { runExport } = proxyActivities<ExportActivities>({
  startToCloseTimeout: "12 hours",
  heartbeatTimeout: "2 minutes",
  retry: { initialInterval: "10 seconds", maximumInterval: "5 minutes", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});
const { failExport } = proxyActivities<ExportActivities>({
  startToCloseTimeout: "1 minute",
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

export async function exportJob(raw: ExportJobInput): Promise<ExportJobResult> {
  const parsed = ExportJobInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid export input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, restoreId } = parsed.data;
  try {
    return await runExport({ tenantId, restoreId });
  } catch (e) {
    if (isCancellation(e)) {
      await CancellationScope.nonCancellable(() => failExport({ tenantId, restoreId, reason: "cancelled" }));
      throw e;
    }
    const error = failureMessage(e);
    await failExport({ tenantId, restoreId, reason: `the export stopped: ${error}` });
    return { restoreId, status: "failed", exported: 0, failed: 0, bytes: 0, error };
  }
}
