// The real stack for end-to-end worker suites, in one place: a Postgres database of the suite's
// own, a Temporal dev server, the sandbox in-process (Google over HTTP, Graph over HTTPS), the
// tenant's vault on the stack's versitygw, an exports bucket of the suite's own, and the worker
// in-process with the real backup, restore and export ports. Sources are connected the way a
// customer connects them (a Google service-account key with domain-wide delegation; Microsoft
// admin consent of an app registration); backups, restores and exports run as the real workflows.
import { execFile } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createSandbox, type Sandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import {
  ExportsStore,
  listUnits,
  openExportDownload,
  registerSource,
  requestExport,
  requestRestore,
  systemContext,
  type Export,
  type RequestExportInput,
  type RequestRestoreInput,
  type Restore,
  type TenantContext,
} from "@holdfast/services";
import { backupWorkflowIds, exportWorkflowId, restoreWorkflowId, type BackupSourceResult, type ExportJobResult, type RestoreResult } from "@holdfast/workflows/contracts";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import type { ClosableBackupPorts } from "../src/backup-ports";
import { createExportPorts } from "../src/export-ports";
import { type RunningWorker } from "../src/main";
import { controlClient, newOrganisation, type Control } from "./drill";
import { sandboxBackupPorts } from "./sandbox-ports";
import { createTestTemporal, startSuiteWorker } from "./temporal";

const run = promisify(execFile);
export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** The Microsoft application permissions Holdfast's platform app asks admin consent for. */
export const MICROSOFT_APP_ROLES = ["User.Read.All", "Mail.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Calendars.ReadWrite", "Contacts.ReadWrite"];

export interface ConnectedSource {
  sourceId: string;
  /** The sandbox tenant (its `id` addresses the control API). */
  sandboxTenant: TenantSummary;
}

export interface WorkerStack {
  db: TestDatabase;
  env: TestWorkflowEnvironment;
  sandbox: Sandbox;
  /** The sandbox's HTTP base URL. */
  url: string;
  control: Control;
  ports: ClosableBackupPorts;
  store: ExportsStore;
  worker: RunningWorker;
  taskQueue: string;
  owner: TenantContext;
  tenantId: string;
  /** A scratch directory removed on close. */
  dir: string;
  connectGoogle(tenant: Record<string, unknown>): Promise<ConnectedSource>;
  connectMicrosoft(tenant: Record<string, unknown>): Promise<ConnectedSource>;
  /** Runs `backupSource` on demand (a fresh workflow id per `key`) and returns its result. */
  runBackup(sourceId: string, key: string, unitIds?: string[]): Promise<BackupSourceResult>;
  /** Requests a restore as the owner and runs the real `restore` workflow. */
  runRestore(input: RequestRestoreInput): Promise<{ job: Restore; result: RestoreResult }>;
  /** Requests an export as the owner and runs the real `exportJob` workflow. */
  runExport(input: RequestExportInput): Promise<{ job: Export; result: ExportJobResult }>;
  /** The finished export's archive, as the download route streams it. */
  download(exportId: string): Promise<{ bytes: Buffer; fileName: string; contentType: string }>;
  /** The source's unit of `kind` owned by `email`. */
  unit(sourceId: string, kind: string, email: string): Promise<Awaited<ReturnType<typeof listUnits>>[number]>;
  /** The sandbox tenant's manifest (its ground truth), typed by the caller. */
  manifest<M>(sandboxTenantId: string): Promise<M>;
  close(): Promise<void>;
}

export type ExportPorts = ReturnType<typeof createExportPorts>;

export interface WorkerStackOptions {
  /** Wraps the worker's export ports (e.g. to inject a fault into archive uploads). */
  wrapExports?: (ports: ExportPorts) => ExportPorts;
}

export async function startWorkerStack(name: string, options: WorkerStackOptions = {}): Promise<WorkerStack> {
  process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
  process.env.HOLDFAST_EXPORTS_BUCKET ??= `hf-exports-${name}-${randomBytes(4).toString("hex")}`;
  const [db, env] = await Promise.all([createTestDatabase(name), createTestTemporal()]);
  const dir = await mkdtemp(join(tmpdir(), `hf-${name}-`));
  const sandbox = await createSandbox();
  const url = await sandbox.listen({ port: 0 });
  const control = controlClient(url);
  const owner = await newOrganisation(db);
  const tenantId = owner.tenantId;
  const taskQueue = `${name}-${randomUUID()}`;
  const ports = sandboxBackupPorts(db.worker.db, sandbox, url, { workerId: `${name}-worker` });
  const store = new ExportsStore();
  const exportPorts = createExportPorts({ db: db.worker.db, workerId: `${name}-worker`, readVault: (id) => ports.restore.readVault(id), store });
  const worker = await startSuiteWorker(env, {
    db: db.worker.db,
    taskQueue,
    backup: ports,
    restore: ports.restore,
    exports: options.wrapExports ? options.wrapExports(exportPorts) : exportPorts,
  });

  const stack: WorkerStack = {
    db,
    env,
    sandbox,
    url,
    control,
    ports,
    store,
    worker,
    taskQueue,
    owner,
    tenantId,
    dir,
    async connectGoogle(tenant) {
      const sandboxTenant = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", ...tenant });
      const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${sandboxTenant.id}/service-accounts`, {});
      const source = await registerSource(owner, { provider: "google", displayName: sandboxTenant.domain, credentials: { serviceAccountKey: JSON.stringify(key), adminEmail: sandboxTenant.adminEmail } });
      return { sourceId: source.id, sandboxTenant };
    },
    async connectMicrosoft(tenant) {
      const sandboxTenant = await control<TenantSummary & { tenantId: string }>("POST", "/_control/tenants", { provider: "microsoft", ...tenant });
      const redirectUri = "http://localhost:3000/api/auth/callback/azure-ad";
      const app = await control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "microsoft", redirectUris: [redirectUri], appRoles: MICROSOFT_APP_ROLES });
      const consent = new URL(`${url}/microsoft/${sandboxTenant.tenantId}/v2.0/adminconsent`);
      for (const [k, v] of Object.entries({ client_id: app.clientId, redirect_uri: redirectUri, scope: "https://graph.microsoft.com/.default", state: "s" })) consent.searchParams.set(k, v);
      const approved = await fetch(consent, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
      if (!approved.headers.get("location")?.includes("admin_consent=True")) throw new Error(`admin consent was not granted: ${approved.status} ${approved.headers.get("location")}`);
      const source = await registerSource(owner, {
        provider: "microsoft",
        displayName: sandboxTenant.domain,
        credentials: { tenantId: sandboxTenant.tenantId, clientId: app.clientId, clientSecret: app.clientSecret },
      });
      return { sourceId: source.id, sandboxTenant };
    },
    async runBackup(sourceId, key, unitIds) {
      const handle = await env.client.workflow.start("backupSource", {
        taskQueue,
        workflowId: backupWorkflowIds.backupSource(sourceId, key),
        args: [{ tenantId, sourceId, trigger: "on_demand", ...(unitIds ? { unitIds } : {}) }],
      });
      return (await handle.result()) as BackupSourceResult;
    },
    async runRestore(input) {
      const job = await requestRestore(owner, input);
      const handle = await env.client.workflow.start("restore", { taskQueue, workflowId: restoreWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
      return { job, result: (await handle.result()) as RestoreResult };
    },
    async runExport(input) {
      const job = await requestExport(owner, input);
      const handle = await env.client.workflow.start("exportJob", { taskQueue, workflowId: exportWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
      return { job, result: (await handle.result()) as ExportJobResult };
    },
    async download(exportId) {
      const d = await openExportDownload(owner, exportId, store);
      const bytes = await buffer(d.body);
      if (bytes.length !== d.size) throw new Error(`export ${exportId}: downloaded ${bytes.length} bytes, the store said ${d.size}`);
      return { bytes, fileName: d.fileName, contentType: d.contentType };
    },
    async unit(sourceId, kind, email) {
      const u = (await listUnits(systemContext(db.app.db, tenantId, "test"), sourceId)).find((x) => x.kind === kind && x.ownerEmail?.toLowerCase() === email.toLowerCase());
      if (!u) throw new Error(`no ${kind} unit for ${email}`);
      return u;
    },
    manifest: <M>(id: string) => control<M>("GET", `/_control/tenants/${id}/manifest`),
    async close() {
      worker.shutdown();
      await worker.done;
      await ports.close();
      exportPorts.close();
      await store.dropBucket().catch(() => undefined);
      store.destroy();
      await sandbox.close();
      await env.teardown();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Every file in a ZIP, extracted by Info-ZIP's `unzip` (an independent reader), by entry name. */
export async function unzipAll(zip: Buffer, dir: string): Promise<Map<string, Buffer>> {
  const at = await mkdtemp(join(dir, "zip-"));
  await writeFile(join(at, "a.zip"), zip);
  await run("unzip", ["-qq", "-o", join(at, "a.zip"), "-d", join(at, "x")]);
  const out = new Map<string, Buffer>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(at, "x", rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if ((await stat(join(at, "x", path))).isDirectory()) await walk(path);
      else out.set(path, await readFile(join(at, "x", path)));
    }
  };
  await walk("");
  return out;
}
