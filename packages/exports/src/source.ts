// Reading one export item out of the vault: its entry and metadata, then its verified bytes as a
// stream whose first piece is already in hand, so that an item that cannot be read at all fails
// before anything of it is written to the archive.
import type { SnapshotItem, Vault } from "@holdfast/vault";
import { parseItemMeta, type ExportItemMeta } from "./meta";
import { ItemExportError, type ExportRef } from "./outcome";

/** Blobs read ahead per item: bounds an export's memory to a few blobs (~1 MiB each on average). */
const READ_AHEAD = 4;

export interface OpenedItem {
  item: SnapshotItem;
  meta: ExportItemMeta;
}

export async function openItem(vault: Vault, ref: ExportRef): Promise<OpenedItem> {
  const item = await vault.getItem(ref.vaultSnapshotId, ref.vaultPath);
  let meta: ExportItemMeta;
  try {
    meta = parseItemMeta(item.meta);
  } catch (e) {
    throw new ItemExportError(e instanceof Error ? e.message : String(e));
  }
  return { item, meta };
}

export interface ItemBody {
  /** The item's bytes, the first piece included; counts into `read`. */
  chunks: AsyncGenerator<Uint8Array>;
  read: { bytes: number; error?: unknown };
}

/** Starts reading; rejects when not even the first piece can be read (missing blob, tampered pack). */
export async function openBody(vault: Vault, ref: ExportRef): Promise<ItemBody> {
  const it = vault.readItem(ref.vaultSnapshotId, ref.vaultPath, READ_AHEAD);
  const first = await it.next();
  const read: ItemBody["read"] = { bytes: 0 };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      if (first.done) return;
      read.bytes += first.value.length;
      yield first.value;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        read.bytes += next.value.length;
        yield next.value;
      }
    } catch (e) {
      // Recorded, not thrown: the archive goes on with the next item (this one is marked partial).
      read.error = e;
    } finally {
      await it.return(undefined);
    }
  }
  return { chunks: chunks(), read };
}

/** The whole (small) item in memory: events and contacts are JSON of a few KiB. */
export async function readSmall(vault: Vault, ref: ExportRef, limit: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of vault.readItem(ref.vaultSnapshotId, ref.vaultPath, READ_AHEAD)) {
    n += p.length;
    if (n > limit) throw new ItemExportError(`item is larger than ${limit} bytes; not a calendar event or contact JSON`);
    parts.push(p);
  }
  return Buffer.concat(parts);
}
