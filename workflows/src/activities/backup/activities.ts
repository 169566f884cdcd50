// The backup activities: thin Temporal wrappers around the ports and `runSegment`. Inputs are
// validated here (bad input is a non-retryable ValidationError); secrets stay inside the ports.
import { randomUUID } from "node:crypto";
import { isConnectorError } from "@holdfast/connectors";
import { childLogger } from "@holdfast/logger";
import { ApplicationFailure, Context } from "@temporalio/activity";
import {
  BackupSourceInput,
  EMPTY_STATS,
  type IssueCode,
  type RunStatus,
  type SegmentStats,
  type UnitProgress,
  UnitSegmentInput,
  type UnitSegmentResult,
  type RunTrigger,
} from "../../contracts";
import { closeAbandonedRuns, temporalWorkflowRunning } from "../maintenance/abandoned-runs";
import type { RunBookkeeping } from "../maintenance/ports";
import type { BackupPorts } from "./ports";
import { runSegment, SourceDisconnectedError } from "./segment";

export const SOURCE_DISCONNECTED = "SourceDisconnected";

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw ApplicationFailure.nonRetryable(`invalid ${what} input: ${r.error.message}`, "ValidationError");
  return r.data;
}

function disconnected(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`the source is disconnected: ${message}`, SOURCE_DISCONNECTED);
}

/** The failure type of a backup refused before it started (a removed or unconnected source): nothing ran, nothing to retry. */
export const BACKUP_REFUSED = "BackupRefused";

/** The services' refusal of a removed source (`details.reason` is SOURCE_REMOVED in @holdfast/services). */
function isSourceRemoved(e: unknown): e is Error {
  return e instanceof Error && e.name === "DomainError" && (e as { details?: { reason?: unknown } }).details?.reason === "source_removed";
}

/** The connector of a source removed meanwhile (issue 7) is never built: the source counts as disconnected, not retried. */
async function connectorOf(ports: BackupPorts, tenantId: string, sourceId: string) {
  try {
    return await ports.connector(tenantId, sourceId);
  } catch (e) {
    if (isSourceRemoved(e)) throw ApplicationFailure.nonRetryable(e.message, SOURCE_DISCONNECTED);
    throw e;
  }
}

/** Heartbeats on a timer, so a long provider back-off (Retry-After) never looks like a dead worker. */
function heartbeater(): { set(details: unknown): void; stop(): void } {
  let details: unknown;
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(details), 10_000);
  return {
    set(d) {
      details = d;
      ctx.heartbeat(d);
    },
    stop: () => clearInterval(timer),
  };
}

export interface BackupActivityOptions {
  /** With it, a run's start closes the source's runs left open by a dead workflow, and its finish closes the snapshots its failed units left open. */
  runs?: RunBookkeeping;
}

export function createBackupActivities(ports: BackupPorts, opts: BackupActivityOptions = {}) {
  const now = () => (ports.now ? ports.now() : new Date());

  return {
    async startBackupRun(raw: { tenantId: string; sourceId: string; trigger: RunTrigger; workflowId: string; unitIds?: string[] }): Promise<string> {
      const input = parse(BackupSourceInput.pick({ tenantId: true, sourceId: true, trigger: true, unitIds: true }), raw, "startBackupRun");
      let runId: string;
      try {
        runId = await ports.store.startRun(input.tenantId, input.sourceId, { trigger: input.trigger, workflowId: raw.workflowId, ...(input.unitIds ? { unitIds: input.unitIds } : {}) });
      } catch (e) {
        // A removed (or not connected) source: the backup ends here, before the provider is touched,
        // and no run is recorded, so nothing looks failed or late (issue 7). Retrying cannot help.
        if (e instanceof Error && e.name === "DomainError" && (e as { code?: unknown }).code === "CONFLICT") {
          Context.current().log.info("backup refused before it started", { tenantId: input.tenantId, sourceId: input.sourceId, reason: e.message });
          throw ApplicationFailure.nonRetryable(e.message, BACKUP_REFUSED);
        }
        throw e;
      }
      if (opts.runs) {
        const ctx = Context.current();
        // Housekeeping must not keep a backup from starting: a failure is logged, and the next run tries again.
        try {
          const closed = await closeAbandonedRuns(opts.runs, { tenantId: input.tenantId, sourceId: input.sourceId, runId, now: now(), running: temporalWorkflowRunning(ctx.client) });
          for (const c of closed) ctx.log.warn("closed a backup run abandoned by its workflow", { tenantId: input.tenantId, runId: c.runId, workflowId: c.workflowId, snapshotsClosed: c.snapshotsClosed });
        } catch (e) {
          ctx.log.warn("could not close the source's abandoned backup runs; the next run tries again", { tenantId: input.tenantId, sourceId: input.sourceId, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return runId;
    },

    /** Discovery: brings the source's units up to date and returns the protected ones to back up. */
    async discoverUnits(raw: { tenantId: string; sourceId: string; unitIds?: string[] }): Promise<string[]> {
      const input = parse(BackupSourceInput.pick({ tenantId: true, sourceId: true, unitIds: true }), raw, "discoverUnits");
      const connector = await connectorOf(ports, input.tenantId, input.sourceId);
      try {
        const units = await connector.discover({ signal: Context.current().cancellationSignal });
        await ports.store.syncUnits(input.tenantId, input.sourceId, units);
      } catch (e) {
        if (isConnectorError(e, "disconnected")) throw disconnected(e.message);
        throw e;
      }
      return ports.store.protectedUnitIds(input.tenantId, input.sourceId, input.unitIds);
    },

    /** Where a unit's backup starts: after its last completed run, or a full enumeration. */
    async startUnit(raw: { tenantId: string; unitId: string }): Promise<UnitProgress> {
      const input = parse(UnitSegmentInput.pick({ tenantId: true, unitId: true }), raw, "startUnit");
      const state = await ports.store.unitState(input.tenantId, input.unitId);
      return { parent: state.lastSnapshot, cursor: state.cursor, full: state.cursor === null, enumeration: randomUUID(), stats: { ...EMPTY_STATS }, segments: 0 };
    },

    async backupUnitSegment(raw: UnitSegmentInput): Promise<UnitSegmentResult> {
      const input = parse(UnitSegmentInput, raw, "backupUnitSegment");
      const { tenantId, sourceId, unitId, runId } = input;
      const log = childLogger({ tenantId, workflowId: Context.current().info.workflowExecution?.workflowId, component: "backup" });
      const state = await ports.store.unitState(tenantId, unitId);
      const [connector, vault] = await Promise.all([connectorOf(ports, tenantId, sourceId), ports.vault(tenantId)]);
      const capturedAt = now();
      const retainUntil = await ports.store.retainUntil(tenantId, unitId, capturedAt);
      const beat = heartbeater();
      try {
        const outcome = await runSegment(
          {
            connector: connector.unit(state.unit.kind),
            vault,
            unit: state.unit,
            source: sourceId,
            unitId,
            retainUntil,
            now: () => now().getTime(),
            newEnumerationId: randomUUID,
            heartbeat: (d) => beat.set(d),
            signal: Context.current().cancellationSignal,
          },
          input.progress,
          input.budget,
        );
        await ports.store.recordSegment({
          tenantId,
          unitId,
          runId,
          vaultSnapshotId: outcome.vaultSnapshotId,
          final: outcome.done,
          cursor: outcome.done ? outcome.progress.cursor : null,
          capturedAt,
          retainUntil,
          versions: outcome.versions,
          deleted: outcome.deleted,
          issues: outcome.issues,
          stats: outcome.stats,
        });
        log.info({ unitId, done: outcome.done, ...outcome.stats }, "segment committed");
        return { vaultSnapshotId: outcome.vaultSnapshotId, progress: outcome.progress, done: outcome.done, stats: outcome.stats };
      } catch (e) {
        if (e instanceof SourceDisconnectedError) throw disconnected(e.message);
        throw e;
      } finally {
        beat.stop();
      }
    },

    async recordUnitFailure(raw: { tenantId: string; runId: string; unitId: string; code: IssueCode; message: string }): Promise<void> {
      await ports.store.recordIssue(raw.tenantId, raw.runId, raw.unitId, { externalId: null, path: null, code: raw.code, message: raw.message });
    },

    async finishBackupRun(raw: { tenantId: string; runId: string; status: RunStatus; summary: string; stats: SegmentStats }): Promise<void> {
      await ports.store.finishRun(raw.tenantId, raw.runId, { status: raw.status, summary: raw.summary, stats: raw.stats });
      // A failed unit's snapshot is never committed: closed now, so nothing of the run stays open.
      if (opts.runs) await opts.runs.closeFinishedRunSnapshots(raw.tenantId, raw.runId);
    },
  };
}

export type BackupActivities = ReturnType<typeof createBackupActivities>;
