import type { BackupRun as BackupRunRow, RestoreJob as RestoreJobRow } from "@holdfast/db";
import { downloadPath, isDownloadable } from "../exports/map";
import { iso, isoOrNull } from "../types";
import type { JobListItem } from "./types";

export function backupJob(r: BackupRunRow): JobListItem {
  return {
    id: r.id,
    kind: "backup",
    status: r.status,
    progress: { itemsDone: r.itemsDone, bytesDone: r.bytesDone },
    warningCount: r.issueCount,
    startedAt: iso(r.startedAt),
    finishedAt: isoOrNull(r.finishedAt),
    sourceId: r.sourceId,
    ...(r.unitId ? { unitId: r.unitId } : {}),
    ...(r.errorSummary ? { summary: r.errorSummary } : {}),
  };
}

/** `done`: items with an outcome; `warnings`: those failed or skipped (counted by the caller). */
export function restoreJob(r: RestoreJobRow, done: number, warnings: number): JobListItem {
  const finished = r.finishedAt !== null;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    progress: { itemsDone: done, ...(finished ? { itemsTotal: done } : {}), bytesDone: r.exportBytes ?? 0 },
    warningCount: warnings,
    startedAt: iso(r.createdAt),
    finishedAt: isoOrNull(r.finishedAt),
    sourceId: r.sourceId,
    unitId: r.unitId,
    ...(r.summary ? { summary: r.summary } : {}),
    // The same rule as the exports' own view: finished, written and not yet expired.
    ...(r.kind === "export" && isDownloadable(r) ? { downloadUrl: downloadPath(r.id) } : {}),
  };
}
