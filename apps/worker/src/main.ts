// The worker process: read config, connect (failing fast with a message that names the
// variable to fix), run until SIGTERM/SIGINT, then drain and close everything.
import { pathToFileURL } from "node:url";
import { guardDbConfig, isProduction, temporalConfig, workerConfig, workerDbConfig } from "@holdfast/config";
import { createDb } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { NativeConnection, Runtime } from "@temporalio/worker";
import { hostname } from "node:os";
import { createBackupPorts, type ClosableBackupPorts } from "./backup-ports";
import { ExportsStore } from "@holdfast/services";
import { createAuditDigestPorts } from "./audit-digest-ports";
import { createDrillPorts } from "./drill-ports";
import { createExportPorts } from "./export-ports";
import { createGuardPorts } from "./guard-ports";
import { createMaintenancePorts } from "./maintenance-ports";
import { createProtectionPorts } from "./protection-ports";
import { createRetentionPorts } from "./retention-ports";
import { temporalLogger } from "./temporal-logger";
import { createWebhookPorts } from "./webhook-ports";
import { startWorker } from "./worker";
import { workflowSource } from "./workflow-source";

export { startWorker, type RunningWorker, type WorkerDeps } from "./worker";

const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const;

async function connectTemporal(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot reach Temporal at TEMPORAL_ADDRESS (${address}): ${reason}`, { cause: err });
  }
}

export async function main(): Promise<void> {
  const log = childLogger({ component: "worker" });
  const temporal = temporalConfig();
  const { healthPort } = workerConfig();
  const workflows = workflowSource(isProduction());
  // We own SIGTERM/SIGINT below; the SDK's default handlers would race ours.
  Runtime.install({ logger: temporalLogger(log), shutdownSignals: [] });

  // The worker's own role: the console's grants plus the catalogue's history, which only the backup
  // engine writes (docs/adr/0024-worker-database-role.md).
  const dbHandle = createDb({ ...workerDbConfig(), applicationName: "holdfast-worker" });
  let guardHandle: ReturnType<typeof createDb> | undefined;
  let connection: NativeConnection | undefined;
  let backup: ClosableBackupPorts | undefined;
  let exportPorts: ReturnType<typeof createExportPorts> | undefined;
  let exportsStore: ExportsStore | undefined;
  try {
    // Names the variable to fix: the worker's own (WORKER_DATABASE_URL), or the one it was derived from.
    await dbHandle.pool.query("select 1").catch((err: unknown) => {
      throw new Error(`Cannot reach the database as the worker role (WORKER_DATABASE_URL, or DATABASE_URL with user holdfast_worker): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    // The guard's own credential: it can only call the guard's definer functions (docs/adr/0020).
    const guardDb = createDb({ url: guardDbConfig().url, poolMax: 2, applicationName: "holdfast-worker-guard" });
    guardHandle = guardDb;
    await guardDb.pool.query("select 1").catch((err: unknown) => {
      throw new Error(`Cannot reach the database as the guard role (GUARD_DATABASE_URL): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    connection = await connectTemporal(temporal.address);
    const workerId = `worker:${hostname()}:${process.pid}`;
    backup = createBackupPorts({ db: dbHandle.db, workerId });
    const restore = backup.restore;
    exportsStore = new ExportsStore();
    exportPorts = createExportPorts({ db: dbHandle.db, workerId, readVault: (tenantId) => restore.readVault(tenantId), store: exportsStore });
    const maintenance = createMaintenancePorts({ db: dbHandle.db, workerId, exportsStore });
    // Announcements link to the console at NEXTAUTH_URL when the worker has the console's auth settings.
    const guard = createGuardPorts({ db: dbHandle.db, guardDb: guardDb.db, workerId });
    const retention = createRetentionPorts({ db: dbHandle.db, workerId });
    const protection = createProtectionPorts({ db: dbHandle.db, workerId });
    const auditDigest = createAuditDigestPorts({ db: dbHandle.db, workerId });
    const drills = createDrillPorts({ db: dbHandle.db, workerId, readVault: (tenantId) => restore.readVault(tenantId) });
    const webhooks = createWebhookPorts({ db: dbHandle.db });
    const running = await startWorker({ db: dbHandle.db, connection, namespace: temporal.namespace, taskQueue: temporal.taskQueue, healthPort, workflows, backup, restore: backup.restore, exports: exportPorts, maintenance, guard, retention, protection, auditDigest, drills, webhooks, log });
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, "shutdown requested");
      running.shutdown();
    };
    // once: a second signal during draining falls through to Node's default and ends the process.
    for (const s of SHUTDOWN_SIGNALS) process.once(s, onSignal);
    try {
      await running.done;
    } finally {
      for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
    }
    log.info("worker stopped");
  } finally {
    await backup?.close();
    exportPorts?.close();
    exportsStore?.destroy();
    await connection?.close();
    await dbHandle.close();
    await guardHandle?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    childLogger({ component: "worker" }).fatal({ err }, err instanceof Error ? err.message : "worker failed");
    process.exitCode = 1;
  });
}
