// The worker proper, separated from process concerns (env, signals) so tests can run it
// in-process against a test database and a local Temporal server.
import type { Database } from "@holdfast/db";
import type { Logger } from "@holdfast/logger";
import {
  createActivities,
  upsertAuditDigestSchedule,
  upsertMaintenanceSchedule,
  upsertProtectionSchedule,
  upsertRetentionSweepSchedule,
  upsertVerifyVaultsSchedule,
  upsertWebhookDeliveriesSchedule,
  type AuditDigestPorts,
  type BackupPorts,
  type DrillPorts,
  type ExportPorts,
  type GuardPorts,
  type MaintenancePorts,
  type ProtectionPorts,
  type RestorePorts,
  type RetentionPorts,
  type WebhookPorts,
} from "@holdfast/workflows/activities";
import { Client } from "@temporalio/client";
import { type NativeConnection, Worker, type State } from "@temporalio/worker";
import { startHealthServer } from "./health";
import type { WorkflowSource } from "./workflow-source";

export interface WorkerDeps {
  db: Database;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** 0 picks a free port (tests). */
  healthPort: number;
  workflows: WorkflowSource;
  /** The backup activities' ports (connectors, vaults, catalogue); without them no backup runs here. */
  backup?: BackupPorts;
  /** The restore activities' ports; without them no restore runs here. */
  restore?: RestorePorts;
  /** The export activity's ports; without them no export runs here. */
  exports?: ExportPorts;
  /**
   * The maintenance ports: with them this worker runs the hourly `maintenance` workflow's
   * activities, upserts its schedule at start-up, and its backup runs close the source's runs left
   * open by a dead workflow. Without them none of that happens here.
   */
  maintenance?: MaintenancePorts;
  /** The guarded requests' ports (docs/adr/0020); without them no guarded request runs here. */
  guard?: GuardPorts;
  /**
   * The retention sweep's ports (docs/adr/0018 "Sweep"): with them this worker runs the daily
   * `retentionSweeps` workflow's activities and upserts its schedule at start-up.
   */
  retention?: RetentionPorts;
  /** The hourly protection check's ports (dead-man alerts): with them this worker runs it and upserts its schedule. */
  protection?: ProtectionPorts;
  /** The daily signed audit digests' ports: with them this worker writes them and upserts their schedule. */
  auditDigest?: AuditDigestPorts;
  /** The restore drills' ports: with them this worker runs the daily verifyVaults workflow and upserts its schedule. */
  drills?: DrillPorts;
  /** The webhook sender's ports (issue 7): with them this worker POSTs due webhooks every minute and upserts that schedule. */
  webhooks?: WebhookPorts;
  log?: Logger;
}

export interface RunningWorker {
  healthPort: number;
  state(): State;
  /** Begin a graceful shutdown (stop polling, let in-flight tasks finish). Idempotent. */
  shutdown(): void;
  /** Settles when the worker has stopped and the health endpoint is closed. */
  done: Promise<void>;
}

export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  // The schedules of the work this worker serves, upserted at start-up (an operator's pause is kept).
  const schedules: [string, typeof upsertMaintenanceSchedule][] = [
    ...(deps.maintenance ? [["maintenance", upsertMaintenanceSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
    ...(deps.retention ? [["retention sweep", upsertRetentionSweepSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
    ...(deps.protection ? [["protection check", upsertProtectionSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
    ...(deps.auditDigest ? [["audit digest", upsertAuditDigestSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
    ...(deps.drills ? [["restore drill", upsertVerifyVaultsSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
    ...(deps.webhooks ? [["webhook deliveries", upsertWebhookDeliveriesSchedule] as [string, typeof upsertMaintenanceSchedule]] : []),
  ];
  for (const [name, upsert] of schedules) {
    try {
      await upsert(new Client({ connection: deps.connection, namespace: deps.namespace }), { taskQueue: deps.taskQueue });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Cannot upsert the ${name} schedule on Temporal (namespace ${deps.namespace}): ${reason}`, { cause: err });
    }
  }
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...deps.workflows,
    activities: createActivities({
      db: deps.db,
      ...(deps.backup ? { backup: deps.backup } : {}),
      ...(deps.restore ? { restore: deps.restore } : {}),
      ...(deps.exports ? { exports: deps.exports } : {}),
      ...(deps.maintenance ? { maintenance: deps.maintenance } : {}),
      ...(deps.guard ? { guard: deps.guard } : {}),
      ...(deps.retention ? { retention: deps.retention } : {}),
      ...(deps.protection ? { protection: deps.protection } : {}),
      ...(deps.auditDigest ? { auditDigest: deps.auditDigest } : {}),
      ...(deps.drills ? { drills: deps.drills } : {}),
      ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
    }),
    // Activities are short page-sized units; give in-flight ones a moment before cancelling them.
    shutdownGraceTime: "10 seconds",
  });
  const health = await startHealthServer(deps.healthPort, () => worker.getState());
  const done = (async () => {
    try {
      await worker.run();
    } finally {
      await health.close();
    }
  })();
  deps.log?.info({ taskQueue: deps.taskQueue, namespace: deps.namespace, healthPort: health.port }, "worker running");
  return {
    healthPort: health.port,
    state: () => worker.getState(),
    shutdown: () => {
      if (worker.getState() === "RUNNING") worker.shutdown();
    },
    done,
  };
}
