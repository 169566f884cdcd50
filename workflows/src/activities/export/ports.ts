// What the export activity needs: the job (format, whether it already finished), its selection
// resolved from the catalogue as of its time, a place to finish it with every item's outcome, the
// exports store (a plain bucket, not the vault) and the tenant's vault opened as the reader.
import type { Readable } from "node:stream";
import type { Vault } from "@holdfast/vault";
import type { ExportJobResult } from "../../contracts";

export type ExportJobFormat = "eml-zip" | "mbox" | "zip" | "ics" | "vcf" | "original";

export interface ExportJobState {
  restoreId: string;
  format: ExportJobFormat;
  /** Set when the job already finished (a retried attempt returns it instead of exporting again). */
  finished?: ExportJobResult;
}

export interface ExportSelectionItem {
  vaultSnapshotId: string;
  vaultPath: string;
  /** The catalogue's item id: recorded with the outcome, so an erasure after the selection still scrubs it. */
  itemId: string;
  path: string;
  kind: string;
}

export interface ExportItemRecord {
  vaultSnapshotId: string;
  vaultPath: string;
  /** The catalogue's item id, when known (the database scrubs the outcome of an item erased meanwhile). */
  itemId?: string;
  path: string | null;
  outcome: "exported" | "failed";
  reason?: string;
}

export interface ExportCompletion {
  /** Null when no archive was stored (the job fails). */
  objectKey: string | null;
  bytes: number;
  expiresAt: Date;
  items: ExportItemRecord[];
  status?: "completed" | "completed_with_errors" | "failed";
  summary?: string;
}

export interface ExportJobStore {
  /** The job, marked running. */
  job(tenantId: string, restoreId: string): Promise<ExportJobState>;
  selection(tenantId: string, restoreId: string): Promise<ExportSelectionItem[]>;
  /** Records the archive and every item's outcome at once; a job that already finished is left as it is. */
  complete(tenantId: string, restoreId: string, done: ExportCompletion): Promise<ExportJobResult>;
  fail(tenantId: string, restoreId: string, reason: string): Promise<void>;
  /** Archives of the tenant past their expiry that are still stored. */
  expired(tenantId: string): Promise<{ restoreId: string; objectKey: string }[]>;
  markDeleted(tenantId: string, restoreId: string): Promise<void>;
}

export interface ArchiveStore {
  /** A fresh object key for one attempt at the job's archive. */
  objectKey(tenantId: string, restoreId: string, fileName: string): string;
  /** Aborts unfinished uploads and deletes objects earlier attempts at the job left. */
  clear(tenantId: string, restoreId: string): Promise<void>;
  /** Streams `body` into the store in parts; resolves with the bytes stored. Aborts (and cleans up) on failure. */
  upload(objectKey: string, body: Readable, contentType: string, opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<number>;
  delete(objectKey: string): Promise<void>;
  expiresAt(): Date;
}

export interface ExportPorts {
  store: ExportJobStore;
  archives: ArchiveStore;
  /** The tenant's vault opened with the reader identity. */
  readVault(tenantId: string): Promise<Vault>;
}
