// Export requests: recorded by a member (operator and up), or by a self-service person for their
// own units (ADR 0016), and audited; the caller then starts the
// `exportJob` workflow, which the worker carries out (only the worker opens the vault).
import { and, desc, eq, gt, inArray, isNull, items, itemVersions, or, restoreJobs, sql, withTenant, type Tx } from "@holdfast/db";
import { audit, requireUnitAccess, unitScope, type TenantContext } from "../context";
import { itemErasedError } from "../erasure/guards";
import { notFound, validation } from "../errors";
import { ownJobsOnly } from "../jobs/scope";
import { findUnit } from "../sources/guards";
import { formatsFor } from "./formats";
import { exportedCounts, findExportRow, toExport, type ExportRow } from "./map";
import { RequestExportInput, RequestItemContentInput, type Export } from "./types";

const formatIssue = (message: string) => validation(message, { issues: [{ in: "body", field: "format", message }] });

async function insertExport(tx: Tx, ctx: TenantContext, values: { sourceId: string; unitId: string; itemIds?: string[]; paths?: string[]; asOf: Date; format: ExportRow["format"] }): Promise<ExportRow> {
  const [row] = await tx
    .insert(restoreJobs)
    .values({
      tenantId: ctx.tenantId,
      sourceId: values.sourceId,
      unitId: values.unitId,
      targetUnitId: values.unitId,
      kind: "export",
      format: values.format,
      selection: { ...(values.itemIds ? { itemIds: values.itemIds } : {}), ...(values.paths ? { paths: values.paths } : {}) },
      asOf: values.asOf,
      // Not used by exports; the column is required for restores.
      copyFolder: "",
      requestedByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
    })
    .returning();
  if (!row) throw new Error("export insert returned no row");
  return row as ExportRow;
}

/**
 * Records an export of items, folders or a whole unit as of a time, in a format that suits the
 * unit's kind (`original`: exactly one item, its own bytes). Audited with what and how.
 */
export async function requestExport(ctx: TenantContext, raw: RequestExportInput): Promise<Export> {
  const input = RequestExportInput.parse(raw);
  requireUnitAccess(ctx, "operator", "Exporting data", [input.unitId]);
  const asOf = new Date(input.asOf);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const unit = await findUnit(tx, ctx.tenantId, input.unitId);
    if (input.format === "original") {
      if (input.items?.length !== 1 || input.paths?.length) throw formatIssue("Format original exports one item's own bytes: give exactly one item and no paths");
    } else if (!formatsFor(unit.kind).includes(input.format)) {
      throw formatIssue(`Format ${input.format} does not suit a ${unit.kind} unit; use ${[...formatsFor(unit.kind), "original (one item)"].join(", ")}`);
    }
    if (input.items?.length) {
      const found = await tx.select({ id: items.id, erasedAt: items.erasedAt }).from(items).where(and(eq(items.tenantId, ctx.tenantId), eq(items.unitId, unit.id), inArray(items.id, input.items)));
      const known = new Set(found.map((f) => f.id));
      const missing = [...new Set(input.items)].filter((i) => !known.has(i));
      if (missing.length > 0) {
        const message = `${missing.length} item(s) are not in this unit: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`;
        throw validation(message, { issues: [{ in: "body", field: "items", message }] });
      }
      // Erased from backups (issue 7): named, so the caller can drop it from the selection.
      const erased = found.find((f) => f.erasedAt !== null);
      if (erased) throw itemErasedError(erased, true);
    }
    const row = await insertExport(tx, ctx, { sourceId: unit.sourceId, unitId: unit.id, ...(input.items ? { itemIds: input.items } : {}), ...(input.paths ? { paths: input.paths } : {}), asOf, format: input.format });
    await audit(tx, ctx, "export.request", { type: "export", id: row.id }, { unitId: unit.id, asOf: asOf.toISOString(), format: input.format, items: input.items?.length ?? 0, paths: input.paths ?? [] });
    return toExport(row, 0);
  });
}

/**
 * One item version's own bytes, as an `original` export (every byte leaves the vault through the
 * worker). The version must be the item's (default: its latest). A finished or running export of
 * the same version that has not expired is reused (`started: false`); otherwise a new one is
 * recorded and the caller starts it.
 */
export async function requestItemContent(ctx: TenantContext, raw: RequestItemContentInput): Promise<{ export: Export; started: boolean }> {
  const input = RequestItemContentInput.parse(raw);
  requireUnitAccess(ctx, "operator", "Downloading an item's content", []);
  const scope = unitScope(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [item] = await tx.select().from(items).where(and(eq(items.id, input.itemId), eq(items.tenantId, ctx.tenantId)));
    if (!item || (scope && !scope.includes(item.unitId))) throw notFound("Item");
    if (item.erasedAt) throw itemErasedError(item);
    const [version] = await tx
      .select()
      .from(itemVersions)
      .where(and(eq(itemVersions.itemId, item.id), eq(itemVersions.tenantId, ctx.tenantId), input.versionId ? eq(itemVersions.id, input.versionId) : undefined))
      .orderBy(desc(itemVersions.capturedAt), desc(itemVersions.firstSeq))
      .limit(1);
    if (!version) throw notFound(input.versionId ? "Item version" : "Item version of this item");
    if (version.kind === "folder" || !version.vaultSnapshotId || !version.vaultPath) throw notFound("Stored content of this item version");
    const unit = await findUnit(tx, ctx.tenantId, version.unitId);
    // A version is current from its capture on, so resolving the item as of then finds exactly it.
    const asOf = version.capturedAt;
    const [reusable] = await tx
      .select()
      .from(restoreJobs)
      .where(
        and(
          eq(restoreJobs.tenantId, ctx.tenantId),
          eq(restoreJobs.kind, "export"),
          eq(restoreJobs.format, "original"),
          eq(restoreJobs.unitId, unit.id),
          eq(restoreJobs.asOf, asOf),
          sql`${restoreJobs.selection} = ${JSON.stringify({ itemIds: [item.id] })}::jsonb`,
          inArray(restoreJobs.status, ["running", "completed"]),
          // Self-service reuses only its own exports: it could not download anyone else's.
          ownJobsOnly(ctx),
          or(isNull(restoreJobs.exportExpiresAt), gt(restoreJobs.exportExpiresAt, sql`now() + interval '10 minutes'`)),
        ),
      )
      .orderBy(desc(restoreJobs.createdAt))
      .limit(1);
    if (reusable) {
      const counts = await exportedCounts(tx, ctx.tenantId, [reusable.id]);
      return { export: toExport(reusable as ExportRow, counts.get(reusable.id) ?? 0), started: false };
    }
    const row = await insertExport(tx, ctx, { sourceId: unit.sourceId, unitId: unit.id, itemIds: [item.id], asOf, format: "original" });
    await audit(tx, ctx, "export.request", { type: "export", id: row.id }, { unitId: unit.id, itemId: item.id, versionId: version.id, format: "original" });
    return { export: toExport(row, 0), started: true };
  });
}

/** The job runner refused to start the export: it is marked failed (with why) so it does not sit queued. */
export async function abandonExport(ctx: TenantContext, exportId: string, reason: string): Promise<void> {
  requireUnitAccess(ctx, "operator", "Exporting data", []);
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findExportRow(tx, ctx.tenantId, exportId, ownJobsOnly(ctx));
    const updated = await tx
      .update(restoreJobs)
      .set({ status: "failed", summary: `could not be started: ${reason}`.slice(0, 2000), finishedAt: new Date() })
      .where(and(eq(restoreJobs.id, exportId), eq(restoreJobs.tenantId, ctx.tenantId), eq(restoreJobs.status, "queued")))
      .returning({ id: restoreJobs.id });
    if (updated.length > 0) await audit(tx, ctx, "export.start_failed", { type: "export", id: exportId }, { reason: reason.slice(0, 500) });
  });
}
