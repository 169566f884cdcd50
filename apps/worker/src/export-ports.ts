// The export activity's ports, wired to the real system: the exports services (as the tenant's
// `system` actor, under RLS), the exports store (a plain bucket on the vault's S3 server) with a
// multipart streaming upload (@aws-sdk/lib-storage), and the tenant's vault opened as the reader.
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Database } from "@holdfast/db";
import { completeExportJob, expiredExports, ExportsStore, failExportJob, getExport, markExportDeleted, resolveExportSelection, startExportJob, systemContext } from "@holdfast/services";
import type { Vault } from "@holdfast/vault";
import { exportWorkflowId, type ExportJobResult } from "@holdfast/workflows/contracts";
import type { ArchiveStore, ExportJobStore, ExportPorts } from "@holdfast/workflows/activities";

/** 8 MiB parts, two in flight: an upload holds ~16 MiB however large the archive. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

type Row = Awaited<ReturnType<typeof startExportJob>>;

async function resultOf(db: Database, tenantId: string, workerId: string, row: Row): Promise<ExportJobResult> {
  const status = row.status === "completed" || row.status === "completed_with_errors" ? row.status : "failed";
  const shown = await getExport(systemContext(db, tenantId, workerId), row.id);
  return { restoreId: row.id, status, exported: shown.counts.exported, failed: shown.counts.failed, bytes: row.exportBytes ?? 0, ...(status === "failed" && row.summary ? { error: row.summary } : {}) };
}

export function createExportJobStore(db: Database, workerId: string): ExportJobStore {
  const ctx = (tenantId: string) => systemContext(db, tenantId, workerId);
  return {
    async job(tenantId, restoreId) {
      const row = await startExportJob(ctx(tenantId), restoreId, exportWorkflowId(restoreId));
      const finished = row.status !== "queued" && row.status !== "running";
      return { restoreId, format: row.format, ...(finished ? { finished: await resultOf(db, tenantId, workerId, row) } : {}) };
    },
    async selection(tenantId, restoreId) {
      const { refs } = await resolveExportSelection(ctx(tenantId), restoreId);
      return refs.map((r) => ({ vaultSnapshotId: r.vaultSnapshotId, vaultPath: r.vaultPath, itemId: r.itemId, path: r.path, kind: r.kind }));
    },
    async complete(tenantId, restoreId, done) {
      const row = await completeExportJob(ctx(tenantId), restoreId, {
        objectKey: done.objectKey,
        bytes: done.bytes,
        expiresAt: done.expiresAt,
        outcomes: done.items.map((i) => ({ vaultSnapshotId: i.vaultSnapshotId, vaultPath: i.vaultPath, ...(i.itemId !== undefined ? { itemId: i.itemId } : {}), externalId: null, path: i.path, outcome: i.outcome, ...(i.reason !== undefined ? { reason: i.reason } : {}) })),
        ...(done.status ? { status: done.status } : {}),
        ...(done.summary ? { summary: done.summary } : {}),
      });
      return resultOf(db, tenantId, workerId, row);
    },
    fail: (tenantId, restoreId, reason) => failExportJob(ctx(tenantId), restoreId, reason),
    async expired(tenantId) {
      return (await expiredExports(ctx(tenantId))).map((e) => ({ restoreId: e.id, objectKey: e.objectKey }));
    },
    markDeleted: (tenantId, restoreId) => markExportDeleted(ctx(tenantId), restoreId),
  };
}

export function createArchiveStore(store: ExportsStore): ArchiveStore {
  return {
    objectKey: (tenantId, restoreId, fileName) => ExportsStore.objectKey(tenantId, restoreId, fileName),
    async clear(tenantId, restoreId) {
      await store.clearPrefix(ExportsStore.jobPrefix(tenantId, restoreId));
    },
    async upload(objectKey, body, contentType, opts) {
      await store.ensureBucket();
      // leavePartsOnError false (the default): a failed upload is aborted, its parts deleted.
      const upload = new Upload({ client: store.client, params: { Bucket: store.bucket, Key: objectKey, Body: body, ContentType: contentType }, partSize: PART_SIZE, queueSize: QUEUE_SIZE });
      let bytes = 0;
      upload.on("httpUploadProgress", (p) => {
        bytes = p.loaded ?? bytes;
        opts.onProgress?.(bytes);
      });
      const onAbort = () => void upload.abort().catch(() => undefined);
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await upload.done();
      } finally {
        opts.signal?.removeEventListener("abort", onAbort);
      }
      const head = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: objectKey }));
      return Number(head.ContentLength ?? bytes);
    },
    delete: (objectKey) => store.delete(objectKey),
    expiresAt: () => store.expiresAt(),
  };
}

export interface ExportPortsOptions {
  db: Database;
  workerId: string;
  /** The tenant's vault as the reader (share the restore ports' cache). */
  readVault: (tenantId: string) => Promise<Vault>;
  /** Default: the exports store from exportsConfig(). */
  store?: ExportsStore;
}

export function createExportPorts(opts: ExportPortsOptions): ExportPorts & { close(): void } {
  const store = opts.store ?? new ExportsStore();
  return {
    store: createExportJobStore(opts.db, opts.workerId),
    archives: createArchiveStore(store),
    readVault: opts.readVault,
    close: () => {
      if (!opts.store) store.destroy();
    },
  };
}
