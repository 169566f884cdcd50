// The export activity: the job's selection streamed out of the vault through @holdfast/exports
// straight into the exports store (a multipart upload; the archive is never held in memory), then
// the job finished with its archive and every item's outcome in one step. A retried attempt
// clears what the previous one left in the store and starts the upload again; outcomes are
// recorded only with the finished archive, so they are never recorded twice or for a lost archive.
import { Readable } from "node:stream";
import { exportArchive, type ExportFormat } from "@holdfast/exports";
import { VaultError, VaultIntegrityError, type Vault } from "@holdfast/vault";
import { ApplicationFailure, Context } from "@temporalio/activity";
import { ExportJobInput, type ExportJobResult } from "../../contracts";
import type { ExportItemRecord, ExportPorts, ExportSelectionItem } from "./ports";

function reasonOf(e: unknown): string {
  if (e instanceof VaultIntegrityError) return `integrity error: ${e.message}`;
  if (e instanceof VaultError) return /has no item|not a snapshot id|not found/i.test(e.message) ? `not found: ${e.message}` : `vault error: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The name an item's own bytes are downloaded under: its name, with its kind's extension. */
export function originalFileName(meta: Record<string, unknown>, vaultPath: string): string {
  const raw = typeof meta.name === "string" && meta.name.trim() !== "" ? meta.name.trim() : (vaultPath.split("/").at(-1) ?? "item");
  const ext = meta.kind === "message" ? ".eml" : meta.kind === "event" || meta.kind === "contact" || meta.kind === "record" ? ".json" : "";
  return ext && !raw.toLowerCase().endsWith(ext) ? `${raw}${ext}` : raw;
}

async function sweepExpired(ports: ExportPorts, tenantId: string): Promise<void> {
  // versitygw has no bucket lifecycle rules: expired archives go when the worker meets them.
  try {
    for (const e of await ports.store.expired(tenantId)) {
      await ports.archives.delete(e.objectKey);
      await ports.store.markDeleted(tenantId, e.restoreId);
    }
  } catch (e) {
    Context.current().log.warn("could not delete expired export archives", { tenantId, error: reasonOf(e) });
  }
}

async function exportOriginal(ports: ExportPorts, vault: Vault, tenantId: string, restoreId: string, refs: ExportSelectionItem[]): Promise<ExportJobResult> {
  const expiresAt = ports.archives.expiresAt();
  const ref = refs[0];
  if (!ref || refs.length !== 1) {
    return ports.store.complete(tenantId, restoreId, { objectKey: null, bytes: 0, expiresAt, items: [], status: "failed", summary: `the selection resolved to ${refs.length} stored versions, not one` });
  }
  const failed = (reason: string): Promise<ExportJobResult> => {
    const item: ExportItemRecord = { vaultSnapshotId: ref.vaultSnapshotId, vaultPath: ref.vaultPath, itemId: ref.itemId, path: ref.path, outcome: "failed", reason };
    return ports.store.complete(tenantId, restoreId, { objectKey: null, bytes: 0, expiresAt, items: [item], status: "failed", summary: `the item could not be read: ${reason}` });
  };
  let item;
  try {
    item = await vault.getItem(ref.vaultSnapshotId, ref.vaultPath);
  } catch (e) {
    return failed(reasonOf(e));
  }
  const meta = item.meta;
  const contentType = typeof meta.contentType === "string" && meta.contentType !== "" ? meta.contentType : "application/octet-stream";
  const key = ports.archives.objectKey(tenantId, restoreId, originalFileName(meta, ref.vaultPath));
  const read: { error?: unknown } = {};
  const { vaultSnapshotId, vaultPath } = ref;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      yield* vault.readItem(vaultSnapshotId, vaultPath, 4);
    } catch (e) {
      read.error = e;
      throw e;
    }
  }
  const ctx = Context.current();
  let stored: number;
  try {
    stored = await ports.archives.upload(key, Readable.from(bytes(), { objectMode: false }), contentType, { signal: ctx.cancellationSignal, onProgress: (b) => ctx.heartbeat({ bytes: b }) });
  } catch (e) {
    if (read.error !== undefined) return failed(reasonOf(read.error));
    throw e;
  }
  if (stored !== item.size) {
    await ports.archives.delete(key);
    return failed(`stored ${stored} of ${item.size} bytes`);
  }
  return ports.store.complete(tenantId, restoreId, {
    objectKey: key,
    bytes: stored,
    expiresAt,
    items: [{ vaultSnapshotId: ref.vaultSnapshotId, vaultPath: ref.vaultPath, itemId: ref.itemId, path: ref.path, outcome: "exported" }],
  });
}

export function createExportActivities(ports: ExportPorts) {
  return {
    async runExport(raw: ExportJobInput): Promise<ExportJobResult> {
      const parsed = ExportJobInput.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid runExport input: ${parsed.error.message}`, "ValidationError");
      const { tenantId, restoreId } = parsed.data;
      const job = await ports.store.job(tenantId, restoreId);
      if (job.finished) return job.finished;
      await sweepExpired(ports, tenantId);
      const refs = await ports.store.selection(tenantId, restoreId);
      await ports.archives.clear(tenantId, restoreId);
      const vault = await ports.readVault(tenantId);
      if (job.format === "original") return exportOriginal(ports, vault, tenantId, restoreId, refs);

      const ctx = Context.current();
      let seen = 0;
      const archive = exportArchive({
        vault,
        refs: refs.map((r) => ({ vaultSnapshotId: r.vaultSnapshotId, vaultPath: r.vaultPath })),
        format: job.format satisfies ExportFormat,
        onItem: () => {
          seen += 1;
          ctx.heartbeat({ items: seen });
        },
      });
      const key = ports.archives.objectKey(tenantId, restoreId, archive.fileName);
      let bytes: number;
      try {
        bytes = await ports.archives.upload(key, archive.stream, archive.contentType, { signal: ctx.cancellationSignal, onProgress: (b) => ctx.heartbeat({ items: seen, bytes: b }) });
      } catch (e) {
        // Stop reading the vault; the next attempt starts over.
        archive.stream.destroy();
        throw e;
      }
      const report = await archive.report;
      const byRef = new Map(refs.map((r) => [`${r.vaultSnapshotId}\u0000${r.vaultPath}`, r]));
      const items: ExportItemRecord[] = report.items.map((o) => {
        const selected = byRef.get(`${o.ref.vaultSnapshotId}\u0000${o.ref.vaultPath}`);
        return {
          vaultSnapshotId: o.ref.vaultSnapshotId,
          vaultPath: o.ref.vaultPath,
          ...(selected ? { itemId: selected.itemId } : {}),
          path: selected?.path ?? null,
          outcome: o.status,
          ...(o.status === "failed" ? { reason: `${o.reason ?? "failed"}${o.partial ? ` (the archive holds only the part read, as ${o.entry ?? "its entry"})` : ""}` } : {}),
        };
      });
      return ports.store.complete(tenantId, restoreId, { objectKey: key, bytes, expiresAt: ports.archives.expiresAt(), items });
    },

    async failExport(raw: ExportJobInput & { reason: string }): Promise<void> {
      const { tenantId, restoreId } = ExportJobInput.parse(raw);
      await ports.store.fail(tenantId, restoreId, String(raw.reason));
    },
  };
}

export type ExportActivities = ReturnType<typeof createExportActivities>;
