// Exports end to end on the real stack: a Google Workspace source backed up by the worker
// (Postgres, a Temporal dev server, versitygw, the sandbox in-process), then exported through the
// real `exportJob` workflow into the exports store, downloaded, and checked byte for byte against
// the sandbox's manifest; every item's outcome recorded. The item-content download goes through
// the REST handler with an API key, so its bytes too come only from the worker.
import { type Readable, Transform } from "node:stream";
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createTemporalJobs } from "@holdfast/api/jobs";
import { createRestHandler } from "@holdfast/api/rest";
import { eq, items, itemVersions, restoreJobs } from "@holdfast/db";
import { parseMboxrd, REPORT_ENTRY } from "@holdfast/exports";
import { createApiKey, ExportExpiredError, ExportsStore, getExport, listExportItems, openExportDownload, requestExport, search, type TenantContext } from "@holdfast/services";
import { exportWorkflowId, type ExportJobResult } from "@holdfast/workflows/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoogleManifest } from "../test/drill";
import { sha256, startWorkerStack, unzipAll as unzipIn, type ExportPorts, type WorkerStack } from "../test/stack";

let stack: WorkerStack;
let owner: TenantContext;
let tenantId: string;
let sourceId: string;
let manifest: GoogleManifest;
/** Fault injection: the next archive upload fails after its first bytes (as a dropped connection would). */
const faults = { failNextUpload: false, uploads: 0 };

const unit = (kind: string, email: string) => stack.unit(sourceId, kind, email);
const runExport = (unitId: string, format: "eml-zip" | "mbox" | "zip", asOf = new Date()) => stack.runExport({ unitId, asOf: asOf.toISOString(), format });
const downloaded = (exportId: string) => stack.download(exportId);
const unzipAll = (zip: Buffer) => unzipIn(zip, stack.dir);

function faultable(ports: ExportPorts): ExportPorts {
  const archives = ports.archives;
  return {
    ...ports,
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
}

beforeAll(async () => {
  stack = await startWorkerStack("export", { wrapExports: faultable });
  ({ owner, tenantId } = stack);
  const google = await stack.connectGoogle({ seed: 1501, users: 2, itemsPerUser: 5, driveFilesPerUser: 3, eventsPerUser: 2 });
  sourceId = google.sourceId;
  const backup = await stack.runBackup(sourceId, "first");
  if (backup.status !== "completed") throw new Error(`the backup did not complete: ${JSON.stringify(backup)}`);
  manifest = await stack.manifest<GoogleManifest>(google.sandboxTenant.id);
}, 300_000);

afterAll(async () => {
  await stack?.close();
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
    const [bogus] = await stack.db.owner.db.insert(items).values({ tenantId, unitId: gmail.id, externalId: "missing-in-vault", kind: "message" }).returning();
    if (!bogus) throw new Error("no bogus item");
    await stack.db.owner.db.insert(itemVersions).values({
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
    await stack.store.ensureBucket();
    const prefix = ExportsStore.jobPrefix(tenantId, job.id);
    await stack.store.client.send(new CreateMultipartUploadCommand({ Bucket: stack.store.bucket, Key: `${prefix}stale/holdfast-mail.mbox` }));
    const handle = await stack.env.client.workflow.start("exportJob", { taskQueue: stack.taskQueue, workflowId: exportWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
    const result = (await handle.result()) as ExportJobResult;
    expect(result).toMatchObject({ status: "completed", exported: truth.length, failed: 0 });
    const uploads = await stack.store.client.send(new ListMultipartUploadsCommand({ Bucket: stack.store.bucket, Prefix: prefix }));
    expect(uploads.Uploads ?? []).toHaveLength(0);
    const objects = await stack.store.client.send(new ListObjectsV2Command({ Bucket: stack.store.bucket, Prefix: prefix }));
    expect((objects.Contents ?? []).map((o) => o.Key)).toEqual([(await stack.db.owner.db.select().from(restoreJobs).where(eq(restoreJobs.id, job.id)))[0]?.exportObjectKey]);

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
    expect((await stack.store.client.send(new ListMultipartUploadsCommand({ Bucket: stack.store.bucket, Prefix: prefix }))).Uploads ?? []).toHaveLength(0);
    expect((await stack.store.client.send(new ListObjectsV2Command({ Bucket: stack.store.bucket, Prefix: prefix }))).Contents ?? []).toHaveLength(1);
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
    const jobs = createTemporalJobs({ address: "unused", namespace: stack.env.namespace ?? "default", taskQueue: stack.taskQueue, client: stack.env.client });
    const handle = createRestHandler({ db: stack.db.app.db, jobs });
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
    const [row] = await stack.db.owner.db.select().from(restoreJobs).where(eq(restoreJobs.id, job.id));
    const objectKey = row?.exportObjectKey ?? "";
    await stack.store.client.send(new HeadObjectCommand({ Bucket: stack.store.bucket, Key: objectKey }));
    await stack.db.owner.db.update(restoreJobs).set({ exportExpiresAt: new Date(Date.now() - 1000) }).where(eq(restoreJobs.id, job.id));
    await expect(openExportDownload(owner, job.id, stack.store)).rejects.toBeInstanceOf(ExportExpiredError);
    await runExport(u.id, "zip");
    await expect(stack.store.client.send(new HeadObjectCommand({ Bucket: stack.store.bucket, Key: objectKey }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await getExport(owner, job.id)).toMatchObject({ expired: true, downloadUrl: null, fileName: null });
  });
});
