// Reading export jobs: one, the latest, and each item's outcome. A self-service person sees only
// the exports they requested (ADR 0016).
import { and, asc, desc, eq, restoreJobItems, restoreJobs, withTenant } from "@holdfast/db";
import { requireUnitAccess, type TenantContext } from "../context";
import { ownJobsOnly } from "../jobs/scope";
import { iso } from "../types";
import { exportedCounts, findExportRow, toExport, type ExportRow } from "./map";
import { ListExportsInput, type Export, type ExportItemOutcome } from "./types";

export async function getExport(ctx: TenantContext, exportId: string): Promise<Export> {
  requireUnitAccess(ctx, "viewer", "Viewing an export", []);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const row = await findExportRow(tx, ctx.tenantId, exportId, ownJobsOnly(ctx));
    const counts = await exportedCounts(tx, ctx.tenantId, [row.id]);
    return toExport(row, counts.get(row.id) ?? 0);
  });
}

/** The organisation's exports, newest first. */
export async function listExports(ctx: TenantContext, raw: ListExportsInput = {}): Promise<Export[]> {
  const input = ListExportsInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Viewing exports", []);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = (await tx
      .select()
      .from(restoreJobs)
      .where(and(eq(restoreJobs.tenantId, ctx.tenantId), eq(restoreJobs.kind, "export"), ownJobsOnly(ctx)))
      .orderBy(desc(restoreJobs.createdAt), desc(restoreJobs.id))
      .limit(input.limit)) as ExportRow[];
    const counts = await exportedCounts(tx, ctx.tenantId, rows.map((r) => r.id));
    return rows.map((r) => toExport(r, counts.get(r.id) ?? 0));
  });
}

/** Every item's outcome in an export (exported, or failed with the reason), in path order. */
export async function listExportItems(ctx: TenantContext, exportId: string, opts: { limit?: number; offset?: number } = {}): Promise<ExportItemOutcome[]> {
  requireUnitAccess(ctx, "viewer", "Viewing an export", []);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findExportRow(tx, ctx.tenantId, exportId, ownJobsOnly(ctx));
    const rows = await tx
      .select({ path: restoreJobItems.path, externalId: restoreJobItems.externalId, outcome: restoreJobItems.outcome, reason: restoreJobItems.reason, at: restoreJobItems.at })
      .from(restoreJobItems)
      .where(and(eq(restoreJobItems.restoreId, exportId), eq(restoreJobItems.tenantId, ctx.tenantId)))
      .orderBy(asc(restoreJobItems.path), asc(restoreJobItems.id))
      .limit(limit)
      .offset(Math.max(opts.offset ?? 0, 0));
    return rows.map((r) => ({ path: r.path, externalId: r.externalId, outcome: r.outcome === "exported" ? "exported" : "failed", reason: r.reason, at: iso(r.at) }));
  });
}
