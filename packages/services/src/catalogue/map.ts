import type { BackupRun as BackupRunRow, ItemVersion as ItemVersionRow, Snapshot as SnapshotRow } from "@holdfast/db";
import { validation } from "../errors";
import { iso, isoOrNull } from "../types";
import type { BackupRun, ItemVersion, Snapshot } from "./types";

export function toRun(r: BackupRunRow): BackupRun {
  return {
    id: r.id,
    sourceId: r.sourceId,
    unitId: r.unitId,
    trigger: r.trigger,
    workflowId: r.workflowId,
    status: r.status,
    itemsDone: r.itemsDone,
    bytesDone: r.bytesDone,
    issueCount: r.issueCount,
    startedAt: iso(r.startedAt),
    finishedAt: isoOrNull(r.finishedAt),
    errorSummary: r.errorSummary,
  };
}

export function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    id: r.id,
    unitId: r.unitId,
    runId: r.runId,
    seq: r.seq,
    vaultSnapshotId: r.vaultSnapshotId,
    status: r.status,
    startedAt: iso(r.startedAt),
    committedAt: isoOrNull(r.committedAt),
    itemCount: r.itemCount,
    bytes: r.bytes,
    retainUntil: isoOrNull(r.retainUntil),
  };
}

export function toItemVersion(v: ItemVersionRow, itemDeletedAt: Date | null): ItemVersion {
  return {
    id: v.id,
    itemId: v.itemId,
    unitId: v.unitId,
    kind: v.kind,
    version: v.version,
    path: v.path,
    name: v.name,
    parentPath: v.parentPath,
    size: v.size,
    contentSha256: v.contentSha256,
    vault: v.vaultSnapshotId && v.vaultPath ? { snapshotId: v.vaultSnapshotId, path: v.vaultPath } : null,
    metadata: v.metadata,
    modifiedAt: isoOrNull(v.modifiedAt),
    capturedAt: iso(v.capturedAt),
    supersededAt: isoOrNull(v.supersededAt),
    firstSeq: v.firstSeq,
    lastSeq: v.lastSeq,
    endReason: v.endReason,
    itemDeletedAt: isoOrNull(itemDeletedAt),
  };
}

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, shape: ("string" | "number")[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw validation("cursor must be a cursor returned by a previous page");
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length || parsed.some((v, i) => typeof v !== shape[i])) {
    throw validation("cursor must be a cursor returned by a previous page");
  }
  return parsed as (string | number)[];
}

/** `/a/b/name` → `/a/b`; `/name` → `/`. */
export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Folder paths are compared without a trailing slash (except the root). */
export function normaliseFolder(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
