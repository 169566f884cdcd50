// Export job rows as the API shows them, and the lookups every export verb shares.
import { and, eq, inArray, isUuid, restoreJobItems, restoreJobs, sql, type RestoreJob as RestoreJobRow, type Tx } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { notFound } from "../errors";
import { iso, isoOrNull } from "../types";
import type { Export } from "./types";

export type ExportRow = RestoreJobRow & { format: NonNullable<RestoreJobRow["format"]> };

/** The download path of an export, relative to the origin (the REST route serves it). */
export const downloadPath = (exportId: string) => `/api/v1/exports/${exportId}/download`;

export function fileNameOf(objectKey: string | null): string | null {
  return objectKey ? (objectKey.split("/").at(-1) ?? null) : null;
}

export function isExpired(r: RestoreJobRow, now = new Date()): boolean {
  return r.exportExpiresAt !== null && r.exportExpiresAt.getTime() <= now.getTime();
}

export function isDownloadable(r: RestoreJobRow, now = new Date()): boolean {
  return (r.status === "completed" || r.status === "completed_with_errors") && r.exportObjectKey !== null && !isExpired(r, now);
}

export function toExport(r: ExportRow, exported: number, now = new Date()): Export {
  return {
    id: r.id,
    sourceId: r.sourceId,
    unitId: r.unitId,
    format: r.format,
    asOf: iso(r.asOf),
    selection: { ...(r.selection.itemIds ? { items: r.selection.itemIds } : {}), ...(r.selection.paths ? { paths: r.selection.paths } : {}) },
    status: r.status,
    counts: { exported, failed: r.failed },
    summary: r.summary,
    fileName: fileNameOf(r.exportObjectKey),
    bytes: r.exportBytes,
    expiresAt: isoOrNull(r.exportExpiresAt),
    expired: isExpired(r, now),
    downloadUrl: isDownloadable(r, now) ? downloadPath(r.id) : null,
    createdAt: iso(r.createdAt),
    finishedAt: isoOrNull(r.finishedAt),
  };
}

/**
 * An export job of this tenant; anything else (another tenant's, a restore, not a uuid) is 404.
 * `only` narrows further (a self-service person's own jobs, `ownJobsOnly`).
 */
export async function findExportRow(tx: Tx, tenantId: string, exportId: string, only?: SQL): Promise<ExportRow> {
  if (!isUuid(exportId)) throw notFound("Export");
  const [row] = await tx
    .select()
    .from(restoreJobs)
    .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, tenantId), eq(restoreJobs.kind, "export"), only));
  if (!row || row.format === null) throw notFound("Export");
  return row as ExportRow;
}

/** Items exported per job (the job row counts failures; exports have no counter of their own). */
export async function exportedCounts(tx: Tx, tenantId: string, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ id: restoreJobItems.restoreId, n: sql<number>`count(*)::int` })
    .from(restoreJobItems)
    .where(and(eq(restoreJobItems.tenantId, tenantId), inArray(restoreJobItems.restoreId, [...ids]), eq(restoreJobItems.outcome, "exported")))
    .groupBy(restoreJobItems.restoreId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}
