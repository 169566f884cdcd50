// Exports and item content over /api/v1: the real REST handler on a real Postgres (RLS on), the
// real Temporal job runner on a Temporal dev server (no worker: started workflows are checked
// through the client), and the exports store on the stack's versitygw. A finished export is put in
// place as the worker would leave it: through the export services and the exports store.
import { createHash, randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { eq, restoreJobs } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  commitSnapshot,
  completeExportJob,
  createApiKey,
  ExportsStore,
  listAuditEvents,
  listUnits,
  openSnapshot,
  recordVersions,
  registerSource,
  requestExport,
  requestItemContent,
  search,
  signUp,
  startExportJob,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type Role,
  type TenantContext,
} from "@holdfast/services";
import { exportWorkflowId } from "@holdfast/workflows/contracts";
import { defaultPayloadConverter } from "@temporalio/client";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsPort } from "../jobs/port";
import { createTemporalJobs } from "../jobs/temporal";
import { createRestHandler, type RestHandler } from "./handler";
import { BASE, memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
// A bucket of this suite's own; the routes' exports store reads the same setting.
process.env.HOLDFAST_EXPORTS_BUCKET = `hf-exports-api-${randomBytes(4).toString("hex")}`;

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let downJobs: JobsPort;
let handle: RestHandler;
let handleDown: RestHandler;
let store: ExportsStore;
const taskQueue = `exports-${randomBytes(4).toString("hex")}`;

interface Tenant {
  tenantId: string;
  owner: TenantContext;
  worker: TenantContext;
  keys: Record<"operator" | "viewer", string>;
  drive: string;
  gmail: string;
}
let A: Tenant;
let B: Tenant;

async function call(path: string, opts: { key: string; method?: string; body?: unknown; down?: boolean }): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key}` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return (opts.down ? handleDown : handle)(new Request(`${BASE}${path}`, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
}

async function json(res: Response): Promise<Record<string, unknown> & { error?: { code: string; message: string; details?: { issues?: { field: string; message: string }[] } } }> {
  return (await res.json()) as never;
}

async function tenant(label: string): Promise<Tenant> {
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(owner, { name: `${role} key`, role })).key;
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "not-used-here" } });
  const worker = systemContext(t.worker.db, organization.id, "test-worker");
  await syncDiscoveredUnits(worker, {
    sourceId: source.id,
    units: [
      { kind: "drive", externalId: "alice-drive", displayName: "Alice's drive" },
      { kind: "gmail", externalId: "alice-mail", displayName: "Alice's mail" },
    ],
  });
  const units = await listUnits(owner, source.id);
  const id = (kind: string) => units.find((u) => u.kind === kind)?.id ?? "";
  // One backed-up message in Alice's mailbox.
  const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup-source:${label}` });
  const snap = await openSnapshot(worker, { unitId: id("gmail"), runId: run.id });
  await recordVersions(worker, snap.id, [{ externalId: "m1", kind: "message", version: "1", path: "/INBOX/Hello", name: "Hello", size: 40, contentSha256: "a".repeat(64), vault: { snapshotId: "vs-1", path: "INBOX/Hello~m1.eml" }, metadata: { subject: "Hello" } }]);
  await commitSnapshot(worker, snap.id, { vaultSnapshotId: "vs-1" });
  return { tenantId: organization.id, owner, worker, keys: { operator: await key("operator"), viewer: await key("viewer") }, drive: id("drive"), gmail: id("gmail") };
}

/** What the worker leaves when an export has finished: the archive in the store, the job completed. */
async function finishAsWorker(x: Tenant, exportId: string, body: Buffer, contentType: string, fileName: string): Promise<string> {
  await startExportJob(x.worker, exportId, exportWorkflowId(exportId));
  const objectKey = ExportsStore.objectKey(x.tenantId, exportId, fileName);
  await store.put(objectKey, body, contentType);
  await completeExportJob(x.worker, exportId, { objectKey, bytes: body.length, expiresAt: store.expiresAt(), outcomes: [{ vaultSnapshotId: "vs-1", vaultPath: "INBOX/Hello~m1.eml", externalId: null, path: "/INBOX/Hello", outcome: "exported" }] });
  return objectKey;
}

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("exports-api"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  // Nothing listens on port 1: every start fails to connect.
  downJobs = createTemporalJobs({ address: "127.0.0.1:1", namespace: "default", taskQueue });
  handle = createRestHandler({ db: t.app.db, jobs, logger: memoryLogger().logger });
  handleDown = createRestHandler({ db: t.app.db, jobs: downJobs, logger: memoryLogger().logger });
  store = new ExportsStore();
  [A, B] = await Promise.all([tenant("alpha"), tenant("beta")]);
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await downJobs?.close();
  await env?.teardown();
  if (store) {
    await store.dropBucket().catch(() => undefined);
    store.destroy();
  }
  await t?.drop();
});

describe("POST /exports", () => {
  it("refuses a format that does not suit the unit's kind, naming the field and what would do", async () => {
    const res = await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: A.drive, asOf: new Date().toISOString(), format: "mbox" } });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error?.code).toBe("validation");
    expect(body.error?.message).toMatch(/mbox does not suit a drive unit; use zip/);
    expect(body.error?.details?.issues?.[0]?.field).toBe("format");
    const original = await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: A.gmail, asOf: new Date().toISOString(), format: "original" } });
    expect(original.status).toBe(400);
    expect((await json(original)).error?.message).toMatch(/exactly one item/);
    const unknown = await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: A.gmail, asOf: new Date().toISOString(), format: "pst" } });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error?.message).toMatch(/format/);
  });

  it("records the export and starts exportJob with ids only; until it completes the job shows no download and the download is 409", async () => {
    const asOf = new Date().toISOString();
    const res = await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: A.gmail, asOf, format: "eml-zip", paths: ["/INBOX"] } });
    expect(res.status).toBe(202);
    const { jobId } = (await json(res)) as { jobId: string };
    const history = await env.client.workflow.getHandle(exportWorkflowId(jobId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe("exportJob");
    expect(started?.taskQueue?.name).toBe(taskQueue);
    expect((started?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ tenantId: A.tenantId, restoreId: jobId }]);

    const got = await call(`/exports/${jobId}`, { key: A.keys.viewer });
    expect(got.status).toBe(200);
    expect(await json(got)).toMatchObject({ id: jobId, status: "queued", format: "eml-zip", unitId: A.gmail, selection: { paths: ["/INBOX"] }, downloadUrl: null, asOf });
    const early = await call(`/exports/${jobId}/download`, { key: A.keys.operator });
    expect(early.status).toBe(409);
    expect((await json(early)).error?.message).toMatch(/queued/);
  });

  it("refuses viewers, and another tenant's unit is 404", async () => {
    expect((await call("/exports", { key: A.keys.viewer, method: "POST", body: { unitId: A.gmail, asOf: new Date().toISOString(), format: "mbox" } })).status).toBe(403);
    expect((await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: B.gmail, asOf: new Date().toISOString(), format: "mbox" } })).status).toBe(404);
  });

  it("when Temporal is unreachable: 503, and the export is recorded as failed with the reason", async () => {
    const res = await call("/exports", { key: A.keys.operator, method: "POST", body: { unitId: A.gmail, asOf: new Date().toISOString(), format: "mbox" }, down: true });
    expect(res.status).toBe(503);
    const list = (await json(await call("/exports", { key: A.keys.viewer }))) as { items: { status: string; summary: string | null; format: string }[] };
    expect(list.items[0]).toMatchObject({ status: "failed", format: "mbox" });
    expect(list.items[0]?.summary).toMatch(/^could not be started/);
  });
});

describe("GET /exports/{id}/download", () => {
  it("streams a completed export with its type, size and file name, and audits the download", async () => {
    const job = await requestExport(A.owner, { unitId: A.gmail, asOf: new Date().toISOString(), format: "eml-zip" });
    const archive = randomBytes(300_000);
    await finishAsWorker(A, job.id, archive, "application/zip", "holdfast-mail.zip");
    const shown = (await json(await call(`/exports/${job.id}`, { key: A.keys.viewer }))) as { status: string; downloadUrl: string; counts: unknown; bytes: number; fileName: string };
    expect(shown).toMatchObject({ status: "completed", downloadUrl: `/api/v1/exports/${job.id}/download`, counts: { exported: 1, failed: 0 }, bytes: archive.length, fileName: "holdfast-mail.zip" });
    const items = (await json(await call(`/exports/${job.id}/items`, { key: A.keys.viewer }))) as { items: { outcome: string; path: string }[] };
    expect(items.items).toEqual([expect.objectContaining({ outcome: "exported", path: "/INBOX/Hello" })]);

    const res = await call(shown.downloadUrl.replace("/api/v1", ""), { key: A.keys.operator });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-length")).toBe(String(archive.length));
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="holdfast-mail.zip"; filename*=UTF-8''holdfast-mail.zip`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await res.arrayBuffer()).equals(archive)).toBe(true);
    const audit = await listAuditEvents(A.owner, { limit: 20 });
    expect(audit.items.find((e) => e.action === "export.downloaded")).toMatchObject({ targetId: job.id, actorType: "api_key" });
  });

  it("another tenant's export is 404 (as its job and its items), a viewer may not download, and an expired one is 410", async () => {
    const job = await requestExport(A.owner, { unitId: A.drive, asOf: new Date().toISOString(), format: "zip" });
    await finishAsWorker(A, job.id, randomBytes(1000), "application/zip", "holdfast-files.zip");
    for (const path of [`/exports/${job.id}`, `/exports/${job.id}/items`, `/exports/${job.id}/download`]) {
      const res = await call(path, { key: B.keys.operator });
      expect(res.status, path).toBe(404);
    }
    expect((await call(`/exports/${job.id}/download`, { key: A.keys.viewer })).status).toBe(403);
    await t.owner.db.update(restoreJobs).set({ exportExpiresAt: new Date(Date.now() - 1000) }).where(eq(restoreJobs.id, job.id));
    const gone = await call(`/exports/${job.id}/download`, { key: A.keys.operator });
    expect(gone.status).toBe(410);
    const error = (await json(gone)).error;
    expect(error?.code).toBe("gone");
    expect(error?.message).toMatch(/expired/);
    expect(await json(await call(`/exports/${job.id}`, { key: A.keys.viewer }))).toMatchObject({ expired: true, downloadUrl: null });
  });
});

describe("GET /items/{id}/content", () => {
  it("streams the version's bytes from its original export, with the item's content type", async () => {
    const [version] = (await search(A.owner, { text: "", unitIds: [A.gmail], kinds: ["message"], limit: 1 })).items;
    if (!version) throw new Error("no message");
    const raw = Buffer.from("From: a@example.org\r\nSubject: Hello\r\n\r\nHi\r\n");
    // The worker already carried out this version's original export (a repeat download reuses it).
    const { export: job, started } = await requestItemContent(A.owner, { itemId: version.itemId, versionId: version.id });
    expect(started).toBe(true);
    await finishAsWorker(A, job.id, raw, "message/rfc822", "Hello.eml");
    const res = await call(`/items/${version.itemId}/content?version=${version.id}`, { key: A.keys.operator });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("message/rfc822");
    expect(res.headers.get("content-disposition")).toMatch(/filename="Hello\.eml"/);
    expect(createHash("sha256").update(Buffer.from(await res.arrayBuffer())).digest("hex")).toBe(createHash("sha256").update(raw).digest("hex"));
    // Without ?version= the latest version is meant: the same one here.
    expect((await call(`/items/${version.itemId}/content`, { key: A.keys.operator })).status).toBe(200);
  });

  it("another tenant's item, a version of another item and a malformed version are refused", async () => {
    const [a] = (await search(A.owner, { text: "", unitIds: [A.gmail], kinds: ["message"], limit: 1 })).items;
    const [b] = (await search(B.owner, { text: "", unitIds: [B.gmail], kinds: ["message"], limit: 1 })).items;
    if (!a || !b) throw new Error("no messages");
    expect((await call(`/items/${b.itemId}/content`, { key: A.keys.operator })).status).toBe(404);
    expect((await call(`/items/${a.itemId}/content?version=${b.id}`, { key: A.keys.operator })).status).toBe(404);
    const bad = await call(`/items/${a.itemId}/content?version=latest`, { key: A.keys.operator });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error?.details?.issues?.[0]?.field).toBe("version");
    expect((await call(`/items/${a.itemId}/content`, { key: A.keys.viewer })).status).toBe(403);
  });
});
