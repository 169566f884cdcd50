// Downloading a finished export: the caller's tenant, the archive still kept, the download audited.
// A self-service person downloads only the exports they requested (ADR 0016).
// The bytes come from the exports store (written there by the worker), never from the vault.
import type { Readable } from "node:stream";
import { sql, withTenant, type Tx } from "@holdfast/db";
import { audit, requireUnitAccess, type TenantContext } from "../context";
import { conflict } from "../errors";
import { ownJobsOnly } from "../jobs/scope";
import { fileNameOf, findExportRow, isExpired } from "./map";
import { exportsStore, type ExportsStore } from "./store";

/** The archive was deleted when it expired (HTTP 410). Not a DomainError: only the download route meets it. */
export class ExportExpiredError extends Error {
  override readonly name = "ExportExpiredError";
}

export interface ExportDownload {
  exportId: string;
  body: Readable;
  size: number;
  contentType: string;
  fileName: string;
}

/**
 * The day (UTC) an item this export's archive holds was erased from backups (issue 7): the archive
 * is then no longer offered. The erasure marks every outcome row of the item it scrubs, whether the
 * row was written before it or after (an export that resolved its selection before the erasure).
 */
async function erasedSince(tx: Tx, tenantId: string, exportId: string): Promise<string | null> {
  const res = await tx.execute<{ day: string }>(sql`
    select to_char(r.executed_at at time zone 'UTC', 'YYYY-MM-DD') as day
      from restore_job_items j
      join guarded_requests r on r.tenant_id = j.tenant_id and r.id = j.erased_by_request_id
     where j.tenant_id = ${tenantId} and j.restore_id = ${exportId} and j.erased_by_request_id is not null
     order by r.executed_at limit 1`);
  return res.rows[0]?.day ?? null;
}

export async function openExportDownload(ctx: TenantContext, exportId: string, store: ExportsStore = exportsStore()): Promise<ExportDownload> {
  requireUnitAccess(ctx, "operator", "Downloading an export", []);
  const { row, erasedOn } = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const found = await findExportRow(tx, ctx.tenantId, exportId, ownJobsOnly(ctx));
    return { row: found, erasedOn: await erasedSince(tx, ctx.tenantId, found.id) };
  });
  if (row.status === "queued" || row.status === "running") throw conflict(`Export ${row.id} is ${row.status}; download it once it has completed`);
  if (erasedOn) throw new ExportExpiredError(`Export ${row.id} holds items that were erased from backups on ${erasedOn}; its archive is no longer offered. Request a new export (erased items are left out)`);
  if (isExpired(row)) throw new ExportExpiredError(`Export ${row.id} expired at ${row.exportExpiresAt?.toISOString()} and its archive was deleted; request a new export`);
  if (row.status !== "completed" && row.status !== "completed_with_errors") throw conflict(`Export ${row.id} ${row.status}${row.summary ? `: ${row.summary}` : ""}; there is nothing to download`);
  const key = row.exportObjectKey;
  // The key is ours, but check it is under this tenant's prefix before reading it.
  if (!key || !key.startsWith(`${ctx.tenantId}/${row.id}/`)) throw conflict(`Export ${row.id} has no stored archive`);
  let stored;
  try {
    stored = await store.open(key);
  } catch (e) {
    // Deleted before the row said so (an operator, a lifecycle rule): as good as expired.
    if ((e as Error).name === "NoSuchKey" || (e as Error).name === "NoSuchBucket") throw new ExportExpiredError(`Export ${row.id}'s archive is no longer stored; request a new export`);
    throw e;
  }
  await withTenant(ctx.db, ctx.tenantId, (tx) => audit(tx, ctx, "export.downloaded", { type: "export", id: row.id }, { format: row.format, bytes: stored.size, fileName: fileNameOf(key) }));
  return { exportId: row.id, body: stored.body, size: stored.size, contentType: stored.contentType, fileName: fileNameOf(key) ?? "export" };
}
