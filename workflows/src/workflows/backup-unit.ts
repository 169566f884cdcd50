// One unit's backup within a run: segment after segment, each a committed vault snapshot and a
// catalogue checkpoint, until the provider's change listing is exhausted. The progress between
// segments (parent snapshot, cursor, enumeration) is workflow state and survives continue-as-new.
import { ActivityFailure, ApplicationFailure, ContinueAsNew, continueAsNew, isCancellation, log, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { BackupActivities } from "../activities/backup/activities";
import { BackupUnitInput, type BackupUnitResult, DEFAULT_SEGMENT_BUDGET, NON_RETRYABLE_ERROR_TYPES, SEGMENTS_PER_RUN, type UnitProgress } from "../contracts";

/** Mirrors SOURCE_DISCONNECTED in the activities (workflow code cannot import activity modules). */
const SOURCE_DISCONNECTED = "SourceDisconnected";

const segmentActivities = proxyActivities<BackupActivities>({
  // A segment is bounded by its budget (≤ 5 min of listing) plus provider back-offs (≤ 10 min).
  startToCloseTimeout: "30 minutes",
  heartbeatTimeout: "2 minutes",
  retry: {
    initialInterval: "5 seconds",
    backoffCoefficient: 2,
    maximumInterval: "2 minutes",
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, SOURCE_DISCONNECTED],
  },
});

const shortActivities = proxyActivities<BackupActivities>({
  startToCloseTimeout: "1 minute",
  retry: { initialInterval: "1 second", maximumInterval: "30 seconds", maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

export function failureType(e: unknown): string | undefined {
  const cause = e instanceof ActivityFailure ? e.cause : e;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function failureMessage(e: unknown): string {
  const cause = e instanceof ActivityFailure && e.cause ? e.cause : e;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function backupUnit(raw: BackupUnitInput): Promise<BackupUnitResult> {
  const parsed = BackupUnitInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid backupUnit input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  const { tenantId, sourceId, unitId, runId } = input;
  const budget = input.budget ?? DEFAULT_SEGMENT_BUDGET;

  let progress: UnitProgress;
  let lastSnapshot: string | null = input.resume?.parent ?? null;
  try {
    progress = input.resume ?? (await shortActivities.startUnit({ tenantId, unitId }));
    for (let n = 0; ; n++) {
      if (n > 0 && (n >= SEGMENTS_PER_RUN || workflowInfo().continueAsNewSuggested)) {
        log.info("continuing as new", { unitId, segments: progress.segments });
        return await continueAsNew<typeof backupUnit>({ ...input, resume: progress });
      }
      const r = await segmentActivities.backupUnitSegment({ tenantId, sourceId, unitId, runId, progress, budget });
      progress = r.progress;
      lastSnapshot = r.vaultSnapshotId;
      if (r.done) {
        return { unitId, status: progress.stats.issues > 0 ? "completed_with_warnings" : "completed", vaultSnapshotId: lastSnapshot, stats: progress.stats };
      }
    }
  } catch (e) {
    // Handing over to the next run and being cancelled are not failures of the unit.
    if (e instanceof ContinueAsNew || isCancellation(e)) throw e;
    const disconnected = failureType(e) === SOURCE_DISCONNECTED;
    const message = failureMessage(e);
    await shortActivities.recordUnitFailure({ tenantId, runId, unitId, code: disconnected ? "disconnected" : "failed", message });
    return { unitId, status: "failed", vaultSnapshotId: lastSnapshot, stats: input.resume?.stats ?? { listed: 0, stored: 0, carried: 0, deleted: 0, bytesRead: 0, bytesUploaded: 0, issues: 0 }, error: message };
  }
}
