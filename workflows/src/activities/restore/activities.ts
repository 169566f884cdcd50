import { ApplicationFailure, Context } from "@temporalio/activity";
import { RestoreBatchInput, type RestoreBatchResult, type RestoreCounts, RestoreInput, type RestoreStatus, ZERO_COUNTS } from "../../contracts";
import type { RestorePorts } from "./ports";
import { RestoreDisconnectedError, restoreItems, type RestoreItemResult } from "./restore-items";

export const RESTORE_DISCONNECTED = "RestoreTargetDisconnected";

export function countOutcomes(results: readonly RestoreItemResult[]): RestoreCounts {
  const c = { ...ZERO_COUNTS };
  for (const r of results) c[r.outcome] += 1;
  return c;
}

export function createRestoreActivities(ports: RestorePorts) {
  return {
    async restoreBatch(raw: RestoreBatchInput): Promise<RestoreBatchResult> {
      const parsed = RestoreBatchInput.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid restoreBatch input: ${parsed.error.message}`, "ValidationError");
      const { tenantId, restoreId, cursor, limit } = parsed.data;
      const job = await ports.store.job(tenantId, restoreId);
      const page = await ports.store.nextBatch(tenantId, restoreId, cursor, limit);
      if (page.refs.length === 0) return { cursor: page.cursor, counts: { ...ZERO_COUNTS } };
      const [connector, vault] = await Promise.all([ports.connector(tenantId, job.sourceId), ports.readVault(tenantId)]);
      const done: RestoreItemResult[] = [];
      try {
        await restoreItems(
          {
            connector: connector.unit(job.target.kind),
            vault,
            target: { unit: job.target, conflict: job.conflict, copyFolder: job.copyFolder },
            signal: Context.current().cancellationSignal,
            onItem: (r) => {
              done.push(r);
              Context.current().heartbeat({ restored: done.length });
            },
          },
          page.refs,
        );
      } catch (e) {
        // What was restored before the failure keeps its outcome; the retry skips it.
        if (done.length > 0) await ports.store.recordOutcomes(tenantId, restoreId, done);
        if (e instanceof RestoreDisconnectedError) throw ApplicationFailure.nonRetryable(`the restore target is disconnected: ${e.message}`, RESTORE_DISCONNECTED);
        throw e;
      }
      await ports.store.recordOutcomes(tenantId, restoreId, done);
      return { cursor: page.cursor, counts: countOutcomes(done) };
    },

    async finishRestore(raw: { tenantId: string; restoreId: string; status: RestoreStatus; summary: string }): Promise<void> {
      const { tenantId, restoreId } = RestoreInput.parse(raw);
      await ports.store.finish(tenantId, restoreId, raw.status, raw.summary);
    },
  };
}

export type RestoreActivities = ReturnType<typeof createRestoreActivities>;
