import { and, backupRuns, eq, inArray, isNull, items, itemVersions, sql, withTenant, type Tx } from "@holdfast/db";
import type { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { findSnapshotForUpdate } from "./guards";
import { parentOf } from "./map";
import { RecordVersionsInput } from "./types";

type Parsed = z.infer<typeof RecordVersionsInput>[number];

export interface RecordVersionsResult {
  /** New versions opened (new items, or items whose version, path or content changed). */
  created: number;
  /** Items whose current version was already this one: nothing written (a retried batch lands here). */
  unchanged: number;
}

/** The open snapshot a write goes into; a committed one takes no more versions. */
export async function openSnapshotForWrite(tx: Tx, tenantId: string, snapshotId: string) {
  const snap = await findSnapshotForUpdate(tx, tenantId, snapshotId);
  if (snap.status !== "open") throw conflict(`Snapshot ${snapshotId} is ${snap.status}; versions can only be recorded into an open snapshot`);
  return snap;
}

const sameVersion = (open: { version: string; path: string; contentSha256: string | null }, v: Parsed) =>
  open.version === v.version && open.path === v.path && open.contentSha256 === (v.contentSha256 ?? null);

/**
 * Record a batch of items as a backup saw them in one snapshot. For each item: upsert the item,
 * and unless its current version is this one, close the current version's range (superseded now,
 * last seq = this snapshot's seq - 1) and open a new one. Recording the same batch twice writes
 * nothing the second time, so a retried activity cannot duplicate versions. The snapshot's run
 * gains the new versions (not folders) and their bytes: its live progress.
 */
export async function recordVersions(ctx: TenantContext, snapshotId: string, raw: z.input<typeof RecordVersionsInput>, now = new Date()): Promise<RecordVersionsResult> {
  const parsed = RecordVersionsInput.parse(raw);
  requireRole(ctx, "operator", "Recording backed-up items");
  // A page may list an item twice (changed while paging): its last state is what the snapshot holds.
  const batch = [...new Map(parsed.map((v) => [v.externalId, v])).values()];
  if (batch.length === 0) return { created: 0, unchanged: 0 };
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const snap = await openSnapshotForWrite(tx, ctx.tenantId, snapshotId);
    const externalIds = batch.map((v) => v.externalId);
    await tx
      .insert(items)
      .values(batch.map((v) => ({ tenantId: ctx.tenantId, unitId: snap.unitId, externalId: v.externalId, kind: v.kind, firstSeenAt: now })))
      .onConflictDoNothing({ target: [items.unitId, items.externalId] });
    const itemRows = await tx
      .select({ id: items.id, externalId: items.externalId, deletedAt: items.deletedAt })
      .from(items)
      .where(and(eq(items.unitId, snap.unitId), eq(items.tenantId, ctx.tenantId), inArray(items.externalId, externalIds)));
    const itemByExternal = new Map(itemRows.map((r) => [r.externalId, r]));
    const openRows = await tx
      .select({ id: itemVersions.id, itemId: itemVersions.itemId, version: itemVersions.version, path: itemVersions.path, contentSha256: itemVersions.contentSha256, capturedAt: itemVersions.capturedAt })
      .from(itemVersions)
      .where(and(inArray(itemVersions.itemId, itemRows.map((r) => r.id)), eq(itemVersions.tenantId, ctx.tenantId), isNull(itemVersions.supersededAt)));
    const openByItem = new Map(openRows.map((r) => [r.itemId, r]));

    const toClose: string[] = [];
    const toUndelete: string[] = [];
    const toInsert: (typeof itemVersions.$inferInsert)[] = [];
    for (const v of batch) {
      const item = itemByExternal.get(v.externalId);
      if (!item) throw new Error(`item ${v.externalId} missing after upsert`);
      const open = openByItem.get(item.id);
      if (open && sameVersion(open, v)) continue;
      if (open) {
        if (open.capturedAt > now) throw conflict(`Item ${v.externalId}: its current version was captured at ${open.capturedAt.toISOString()}, after ${now.toISOString()}`);
        toClose.push(open.id);
      }
      if (item.deletedAt) toUndelete.push(item.id);
      toInsert.push({
        tenantId: ctx.tenantId,
        itemId: item.id,
        unitId: snap.unitId,
        kind: v.kind,
        version: v.version,
        path: v.path,
        name: v.name,
        parentPath: v.parentPath ?? parentOf(v.path),
        size: v.size ?? null,
        contentSha256: v.contentSha256 ?? null,
        vaultSnapshotId: v.vault?.snapshotId ?? null,
        vaultPath: v.vault?.path ?? null,
        metadata: v.metadata,
        modifiedAt: v.modifiedAt ?? null,
        capturedAt: now,
        firstSeq: snap.seq,
      });
    }
    if (toClose.length > 0) {
      await tx
        .update(itemVersions)
        .set({ supersededAt: now, lastSeq: snap.seq - 1, endReason: "changed" })
        .where(and(inArray(itemVersions.id, toClose), eq(itemVersions.tenantId, ctx.tenantId), isNull(itemVersions.supersededAt)));
    }
    if (toUndelete.length > 0) {
      await tx.update(items).set({ deletedAt: null, deletedSeq: null }).where(and(inArray(items.id, toUndelete), eq(items.tenantId, ctx.tenantId)));
    }
    if (toInsert.length > 0) {
      await tx.insert(itemVersions).values(toInsert);
      // Live progress: the run counts what it captured as it commits, in this same transaction, so
      // a retried batch (whose versions are all `unchanged`) adds nothing.
      const captured = toInsert.filter((v) => v.kind !== "folder");
      if (captured.length > 0) {
        const bytes = captured.reduce((n, v) => n + (v.size ?? 0), 0);
        await tx
          .update(backupRuns)
          .set({ itemsDone: sql`${backupRuns.itemsDone} + ${captured.length}`, bytesDone: sql`${backupRuns.bytesDone} + ${bytes}` })
          .where(and(eq(backupRuns.id, snap.runId), eq(backupRuns.tenantId, ctx.tenantId)));
      }
    }
    // A folder that moved or was renamed takes what is below it along: providers report the folder
    // alone (Drive's changes, Graph's delta), so its descendants get versions at their new paths.
    for (const v of batch) {
      if (v.kind !== "folder") continue;
      const open = openByItem.get(itemByExternal.get(v.externalId)?.id ?? "");
      if (open && open.path !== v.path) await repathBelow(tx, { tenantId: ctx.tenantId, unitId: snap.unitId, seq: snap.seq, from: open.path, to: v.path, except: itemRows.map((r) => r.id), now });
    }
    return { created: toInsert.length, unchanged: batch.length - toInsert.length };
  });
}

/**
 * Closes the current version of everything below folder `from` and opens the same version at the
 * same place below `to` (same content, same vault reference: nothing was captured, so the run's
 * progress is not touched). Items of the batch being recorded are left alone: their own listing
 * says where they are. `parent_path` compares byte-wise (migration 0014), so "below /A" is the
 * index range ["/A/", "/A0").
 */
async function repathBelow(tx: Tx, m: { tenantId: string; unitId: string; seq: number; from: string; to: string; except: string[]; now: Date }): Promise<void> {
  const at = m.now.toISOString();
  await tx.execute(sql`
    with moved as (
      update item_versions set superseded_at = ${at}::timestamptz, last_seq = ${m.seq - 1}, end_reason = 'changed'
       where tenant_id = ${m.tenantId} and unit_id = ${m.unitId} and superseded_at is null and captured_at <= ${at}::timestamptz
         and (parent_path = ${m.from} or (parent_path >= ${`${m.from}/`} and parent_path < ${`${m.from}0`}))
         and item_id not in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(m.except)}::jsonb))
      returning *)
    insert into item_versions (tenant_id, item_id, unit_id, kind, version, path, name, parent_path, size, content_sha256, vault_snapshot_id, vault_path, metadata, modified_at, captured_at, first_seq)
    select tenant_id, item_id, unit_id, kind, version,
           ${m.to} || substr(path, char_length(${m.from}) + 1), name, ${m.to} || substr(parent_path, char_length(${m.from}) + 1),
           size, content_sha256, vault_snapshot_id, vault_path, metadata, modified_at, ${at}::timestamptz, ${m.seq}
      from moved`);
}

