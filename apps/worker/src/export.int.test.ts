// Exports end to end on the real stack: a Google Workspace source backed up by the worker
// (Postgres, a Temporal dev server, versitygw, the sandbox in-process), then exported through the
// real `exportJob` workflow into the exports store, downloaded, and checked byte for byte against
// the sandbox's manifest; every item's outcome recorded. The item-content download goes through
// the REST handler with an API key, so its bytes too come only from the worker.
import { execFile } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createTemporalJobs } from "@holdfast/api/jobs";
import { createRestHandler } from "@holdfast/api/rest";
import { eq, items, itemVersions, restoreJobs } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { parseMboxrd, REPORT_ENTRY } from "@holdfast/exports";
import { createSandbox, type Sandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import {
  createApiKey,
  ExportExpiredError,
  ExportsStore,
  getExport,
  listExportItems,
  listUnits,
  openExportDownload,
  registerSource,
  requestExport,
  search,
  signUp,
  systemContext,
  type Export,
  type TenantContext,
} from "@holdfast/services";
import { provisionTenantVault } from "@holdfast/services/vaults";
import { backupWorkflowIds, exportWorkflowId, type BackupSourceResult, type ExportJobResult } from "@holdfast/workflows/contracts";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal } from "../test/temporal";
import { sandboxBackupPorts } from "../test/sandbox-ports";
import type { ClosableBackupPorts } from "./backup-ports";
import { createExportPorts } from "./export-ports";
import { startWorker, type RunningWorker } from "./main";
import { workflowsEntryPath } from "./workflow-source";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
// An exports bucket of this suite's own on the stack's versitygw (created by the worker on first
// use); the REST route's store reads the same setting.
process.env.HOLDFAST_EXPORTS_BUCKET = `hf-exports-test-${randomBytes(4).toString("hex")}`;
const run = promisify(execFile);

interface GoogleManifest {
  units: { email: string; items: { id: string; sha256: string }[] }[];
  drives: { kind: string; email?: string; items: { id: string; mimeType: string; sha256?: string; sha256Of?: string }[] }[];
}

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let sandbox: Sandbox;
let url: string;
let sbTenant: TenantSummary;
let ports: ClosableBackupPorts;
let exportPorts: ReturnType<typeof createExportPorts>;
let store: ExportsStore;
let worker: RunningWorker;
let owner: TenantContext;
let tenantId: string;
let sourceId: string;
let manifest: GoogleManifest;
let dir: string;
/** Fault injection: the next archive upload fails after its first bytes (as a dropped connection would). */
const faults = { failNextUpload: false, uploads: 0 };
const taskQueue = `export-${randomUUID()}`;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function unit(kind: string, email: string) {
  const u = (await listUnits(systemContext(t.app.db, tenantId, "test"), sourceId)).find((x) => x.kind === kind && x.ownerEmail === email);
  if (!u) throw new Error(`no ${kind} unit for ${email}`);
  return u;
}

/** Requests an export as the owner and runs the real exportJob workflow on the in-process worker. */
async function runExport(unitId: string, format: "eml-zip" | "mbox" | "zip", asOf = new Date()): Promise<{ job: Export; result: ExportJobResult }> {
  const job = await requestExport(owner, { unitId, asOf: asOf.toISOString(), format });
  const handle = await env.client.workflow.start("exportJob", { taskQueue, workflowId: exportWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
  return { job, result: (await handle.result()) as ExportJobResult };
}

async function downloaded(exportId: string): Promise<{ bytes: Buffer; fileName: string; contentType: string }> {
  const d = await openExportDownload(owner, exportId, store);
  const bytes = await buffer(d.body);
  expect(bytes.length).toBe(d.size);
  return { bytes, fileName: d.fileName, contentType: d.contentType };
}

/** Every file in a ZIP, extracted by Info-ZIP's `unzip` (an independent reader), by entry name. */
async function unzipAll(zip: Buffer): Promise<Map<string, Buffer>> {
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

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("export"), createTestTemporal()]);
  dir = await mkdtemp(join(tmpdir(), "hf-export-int-"));
  sandbox = await createSandbox();
  url = await sandbox.listen({ port: 0 });
  sbTenant = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", seed: 1501, users: 2, itemsPerUser: 5, driveFilesPerUser: 3, eventsPerUser: 2 });
  const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${sbTenant.id}/service-accounts`, {});
  const { userId, organization } = await signUp(t.app.db, { email: `owner-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Export Test Ltd" });
  tenantId = organization.id;
  owner = { db: t.app.db, tenantId, actor: { type: "user", id: userId }, role: "owner" };
  await provisionTenantVault(owner);
  sourceId = (await registerSource(owner, { provider: "google", displayName: sbTenant.domain, credentials: { serviceAccountKey: JSON.stringify(key), adminEmail: sbTenant.adminEmail } })).id;
  ports = sandboxBackupPorts(t.app.db, sandbox, url, { workerId: "test-worker" });
  store = new ExportsStore();
  exportPorts = createExportPorts({ db: t.app.db, workerId: "test-worker", readVault: (id) => ports.restore.readVault(id), store });
  const archives = exportPorts.archives;
  const faultable = {
    ...exportPorts,
    archives: {
      ...archives,
      upload: (key: string, body: Readable, contentType: string, opts: Parameters<typeof archives.upload>[3]) => {
        faults.uploads += 1;
        if (!faults.failNextUpload) return archives.upload(key, body, contentType, opts);
        faults.failNextUpload = false;
        let seen = 0;
        const cut = new Transform({
          transform(chunk: Buffer, _enc, done) {
            seen += chunk.length;
            if (seen > 4096) done(new Error("injected fault: the connection dropped"));
            else done(null, chunk);
          },
        });
        body.pipe(cut);
        return archives.upload(key, cut, contentType, opts);
      },
    },
  };
  worker = await startWorker({ db: t.app.db, connection: env.nativeConnection, namespace: env.namespace ?? "default", taskQueue, healthPort: 0, workflows: { workflowsPath: workflowsEntryPath() }, backup: ports, restore: ports.restore, exports: faultable });

  const handle = await env.client.workflow.start("backupSource", { taskQueue, workflowId: backupWorkflowIds.backupSource(sourceId, "first"), args: [{ tenantId, sourceId, trigger: "on_demand" }] });
  const backup = (await handle.result()) as BackupSourceResult;
  if (backup.status !== "completed") throw new Error(`the backup did not complete: ${JSON.stringify(backup)}`);
  manifest = await control<GoogleManifest>("GET", `/_control/tenants/${sbTenant.id}/manifest`);
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await ports?.close();
  exportPorts?.close();
  if (store) {
    await store.dropBucket().catch(() => undefined);
    store.destroy();
  }
  await sandbox?.close();
  await env?.teardown();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("exportJob on the real stack", () => {
  it("exports a mailbox as eml-zip: every message's raw bytes as backed up, and an item the vault lacks recorded as failed", async () => {
    const email = manifest.units[0]?.email ?? "";
    const truth = manifest.units[0]?.items ?? [];
    expect(truth.length).toBeGreaterThan(0);
    const gmail = await unit("gmail", email);
    // A catalogued version whose bytes are not in the vault (a damaged catalogue or a lost pack):
    // the export must name it as failed, not leave it out.
    const [real] = (await search(owner, { text: "", unitIds: [gmail.id], kinds: ["message"], limit: 1 })).items;
    if (!real?.vault) throw new Error("no backed-up message");
    const [bogus] = await t.owner.db.insert(items).values({ tenantId, unitId: gmail.id, externalId: "missing-in-vault", kind: "message" }).returning();
    if (!bogus) throw new Error("no bogus item");
    await t.owner.db.insert(itemVersions).values({
      tenantId,
      itemId: bogus.id,
      unitId: gmail.id,
      kind: "message",
      version: "1",
      path: "/INBOX/Lost message",
      name: "Lost message",
      parentPath: "/INBOX",
      size: 10,
      contentSha256: "0".repeat(64),
      vaultSnapshotId: real.vault.snapshotId,
      vaultPath: "INBOX/not-in-the-vault.eml",
      capturedAt: new Date(Date.now() - 60_000),
      firstSeq: 1,
    });

    const { job, result } = await runExport(gmail.id, "eml-zip");
    expect(result).toMatchObject({ status: "completed_with_errors", exported: truth.length, failed: 1 });
    const shown = await getExport(owner, job.id);
    expect(shown).toMatchObject({ status: "completed_with_errors", counts: { exported: truth.length, failed: 1 }, downloadUrl: `/api/v1/exports/${job.id}/download`, expired: false });
    expect(new Date(shown.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);

    const { bytes, fileName, contentType } = await downloaded(job.id);
    expect(fileName).toBe("holdfast-mail.zip");
    expect(contentType).toBe("application/zip");
    const entries = await unzipAll(bytes);
    const eml = [...entries].filter(([name]) => name.endsWith(".eml"));
    expect(eml).toHaveLength(truth.length);
    expect(eml.map(([, b]) => sha256(b)).sort()).toEqual(truth.map((m) => m.sha256).sort());
    // The archive carries its own report, and the job's items say the same.
    const report = JSON.parse(entries.get(REPORT_ENTRY)?.toString("utf8") ?? "{}") as { exported: number; failed: number };
    expect(report).toMatchObject({ exported: truth.length, failed: 1 });
    const outcomes = await listExportItems(owner, job.id, { limit: 1000 });
    expect(outcomes).toHaveLength(truth.length + 1);
    expect(outcomes.filter((o) => o.outcome === "exported")).toHaveLength(truth.length);
    const failed = outcomes.filter((o) => o.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.path).toBe("/INBOX/Lost message");
    expect(failed[0]?.reason).toMatch(/^not found: .*not-in-the-vault/);
  });

  it("exports a mailbox as mbox, clearing what an earlier attempt left in the exports store", async () => {
    const email = manifest.units[1]?.email ?? "";
    const truth = manifest.units[1]?.items ?? [];
    expect(truth.length).toBeGreaterThan(0);
    const gmail = await unit("gmail", email);
    const job = await requestExport(owner, { unitId: gmail.id, asOf: new Date().toISOString(), format: "mbox" });
    // What a crashed attempt leaves: an unfinished multipart upload under the job's prefix.
    await store.ensureBucket();
    const prefix = ExportsStore.jobPrefix(tenantId, job.id);
    await store.client.send(new CreateMultipartUploadCommand({ Bucket: store.bucket, Key: `${prefix}stale/holdfast-mail.mbox` }));
    const handle = await env.client.workflow.start("exportJob", { taskQueue, workflowId: exportWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
    const result = (await handle.result()) as ExportJobResult;
    expect(result).toMatchObject({ status: "completed", exported: truth.length, failed: 0 });
    const uploads = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: prefix }));
    expect(uploads.Uploads ?? []).toHaveLength(0);
    const objects = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix }));
    expect((objects.Contents ?? []).map((o) => o.Key)).toEqual([(await t.owner.db.select().from(restoreJobs).where(eq(restoreJobs.id, job.id)))[0]?.exportObjectKey]);

    const { bytes, contentType } = await downloaded(job.id);
    expect(contentType).toBe("application/mbox");
    const messages = parseMboxrd(bytes);
    expect(messages).toHaveLength(truth.length);
    const hashes = new Set(truth.map((m) => m.sha256));
    for (const { message } of messages) {
      // mboxrd ends a message lacking a final newline with one (README); nothing else may differ.
      const ok = hashes.has(sha256(message)) || (message.at(-1) === 0x0a && hashes.has(sha256(message.subarray(0, -1))));
      expect(ok).toBe(true);
    }
    expect((await listExportItems(owner, job.id, { limit: 1000 })).every((o) => o.outcome === "exported")).toBe(true);
  });

  it("exports a Drive as zip: every binary file's bytes hash to the manifest's", async () => {
    const drive = manifest.drives.find((d) => d.kind === "myDrive");
    if (!drive?.email) throw new Error("no My Drive in the manifest");
    const files = drive.items.filter((f) => f.mimeType !== "application/vnd.google-apps.folder");
    const binary = files.filter((f) => f.sha256Of === "content");
    expect(binary.length).toBeGreaterThan(0);
    const u = await unit("drive", drive.email);
    const { job, result } = await runExport(u.id, "zip");
    expect(result).toMatchObject({ status: "completed", failed: 0 });
    const { bytes, fileName } = await downloaded(job.id);
    expect(fileName).toBe("holdfast-files.zip");
    const entries = await unzipAll(bytes);
    entries.delete(REPORT_ENTRY);
    expect(entries.size).toBe(files.length);
    const hashes = new Set([...entries.values()].map(sha256));
    for (const f of binary) expect(hashes.has(f.sha256 ?? "")).toBe(true);
    const outcomes = await listExportItems(owner, job.id, { limit: 1000 });
    expect(outcomes.length).toBe(result.exported);
    expect(outcomes.every((o) => o.outcome === "exported")).toBe(true);
  });

  it("an upload that fails midway is retried from a clean start, and each item's outcome is recorded once", async () => {
    const drive = manifest.drives.find((d) => d.kind === "myDrive");
    const u = await unit("drive", drive?.email ?? "");
    faults.failNextUpload = true;
    const before = faults.uploads;
    const { job, result } = await runExport(u.id, "zip");
    expect(faults.uploads - before).toBe(2);
    expect(result).toMatchObject({ status: "completed", failed: 0 });
    expect(result.exported).toBeGreaterThan(0);
    const outcomes = await listExportItems(owner, job.id, { limit: 1000 });
    expect(outcomes).toHaveLength(result.exported);
    const prefix = ExportsStore.jobPrefix(tenantId, job.id);
    expect((await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: prefix }))).Uploads ?? []).toHaveLength(0);
    expect((await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix }))).Contents ?? []).toHaveLength(1);
    const entries = await unzipAll((await downloaded(job.id)).bytes);
    expect(entries.has(REPORT_ENTRY)).toBe(true);
  }, 120_000);

  it("GET /items/{id}/content streams one message version's raw bytes, through an original export run by the worker", async () => {
    const email = manifest.units[1]?.email ?? "";
    const gmail = await unit("gmail", email);
    const [version] = (await search(owner, { text: "", unitIds: [gmail.id], kinds: ["message"], limit: 1 })).items;
    if (!version) throw new Error("no message");
    const truth = manifest.units[1]?.items.find((m) => m.sha256 === version.contentSha256);
    expect(truth).toBeDefined();
    const { key } = await createApiKey(owner, { name: "export test", role: "operator" });
    const jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
    const handle = createRestHandler({ db: t.app.db, jobs });
    const res = await handle(new Request(`http://holdfast.test/api/v1/items/${version.itemId}/content?version=${version.id}`, { headers: { authorization: `Bearer ${key}` } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("message/rfc822");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=".*\.eml"; filename\*=UTF-8''/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(body.length);
    expect(sha256(body)).toBe(truth?.sha256);

    // Another item's version id is 404, whatever the item.
    const [other] = (await search(owner, { text: "", unitIds: [(await unit("gmail", manifest.units[0]?.email ?? "")).id], kinds: ["message"], limit: 1 })).items;
    const wrong = await handle(new Request(`http://holdfast.test/api/v1/items/${version.itemId}/content?version=${other?.id}`, { headers: { authorization: `Bearer ${key}` } }));
    expect(wrong.status).toBe(404);
  });

  it("an expired archive is deleted by the worker when it next runs an export, and its download is 410", async () => {
    const drive = manifest.drives.find((d) => d.kind === "myDrive");
    const u = await unit("drive", drive?.email ?? "");
    const { job } = await runExport(u.id, "zip");
    const [row] = await t.owner.db.select().from(restoreJobs).where(eq(restoreJobs.id, job.id));
    const objectKey = row?.exportObjectKey ?? "";
    await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: objectKey }));
    await t.owner.db.update(restoreJobs).set({ exportExpiresAt: new Date(Date.now() - 1000) }).where(eq(restoreJobs.id, job.id));
    await expect(openExportDownload(owner, job.id, store)).rejects.toBeInstanceOf(ExportExpiredError);
    await runExport(u.id, "zip");
    await expect(store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: objectKey }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await getExport(owner, job.id)).toMatchObject({ expired: true, downloadUrl: null, fileName: null });
  });
});
