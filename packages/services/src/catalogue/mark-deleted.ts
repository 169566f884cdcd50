import { and, eq, inArray, isNull, items, itemVersions, withTenant } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { openSnapshotForWrite } from "./record-versions";
import { MAX_BATCH } from "./types";

const ExternalIds = z.array(z.string().min(1).max(1024)).max(MAX_BATCH, `at most ${MAX_BATCH} items per call`);

/**
 * Items a run saw deleted at the source: their current version's range closes (end reason
 * `deleted`) and the item is flagged deleted. Earlier versions stay browseable as of earlier times.
 * Idempotent: an item already deleted, or never catalogued, is counted and left alone.
 */
export async function markDeleted(ctx: TenantContext, snapshotId: string, raw: string[], now = new Date()): Promise<{ deleted: number; notCurrent: number }> {
  const externalIds = [...new Set(ExternalIds.parse(raw))];
  requireRole(ctx, "operator", "Recording deleted items");
  if (externalIds.length === 0) return { deleted: 0, notCurrent: 0 };
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const snap = await openSnapshotForWrite(tx, ctx.tenantId, snapshotId);
    const open = await tx
      .select({ versionId: itemVersions.id, itemId: itemVersions.itemId, capturedAt: itemVersions.capturedAt })
      .from(itemVersions)
      .innerJoin(items, eq(items.id, itemVersions.itemId))
      .where(and(eq(items.unitId, snap.unitId), eq(items.tenantId, ctx.tenantId), inArray(items.externalId, externalIds), isNull(itemVersions.supersededAt)));
    if (open.length === 0) return { deleted: 0, notCurrent: externalIds.length };
    const late = open.find((o) => o.capturedAt > now);
    if (late) throw conflict(`Item version ${late.versionId} was captured at ${late.capturedAt.toISOString()}, after the deletion time ${now.toISOString()}`);
    await tx
      .update(itemVersions)
      .set({ supersededAt: now, lastSeq: snap.seq - 1, endReason: "deleted" })
      .where(and(inArray(itemVersions.id, open.map((o) => o.versionId)), eq(itemVersions.tenantId, ctx.tenantId)));
    await tx
      .update(items)
      .set({ deletedAt: now, deletedSeq: snap.seq })
      .where(and(inArray(items.id, open.map((o) => o.itemId)), eq(items.tenantId, ctx.tenantId)));
    return { deleted: open.length, notCurrent: externalIds.length - open.length };
  });
}
