// Index objects (docs/vault-format.md §7): which blobs live in which pack, at which offset.
import { VaultFormatError, unsupportedVersion } from "../errors";
import { fromHex, toHex } from "../hex";
import { ENTRY_SIZE, readEntry, writeEntry } from "../pack/blob-table";
import type { WrittenPack } from "../pack/writer";

const VERSION = 1;

export function indexKeyFor(indexId: string): string {
  return `index/${indexId}`;
}

export function encodeIndex(packs: readonly WrittenPack[]): Uint8Array {
  const size = 5 + packs.reduce((n, p) => n + 40 + p.entries.length * ENTRY_SIZE, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint32(1, packs.length, true);
  let at = 5;
  for (const p of packs) {
    out.set(fromHex(p.packId), at);
    view.setUint32(at + 32, p.size, true);
    view.setUint32(at + 36, p.entries.length, true);
    at += 40;
    for (const e of p.entries) {
      writeEntry(view, at, e);
      at += ENTRY_SIZE;
    }
  }
  return out;
}

export function decodeIndex(objectKey: string, bytes: Uint8Array): WrittenPack[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string) => new VaultFormatError(`${objectKey}: malformed index (${what})`);
  if (bytes.length < 5) throw bad("too short");
  if (view.getUint8(0) !== VERSION) throw unsupportedVersion(`${objectKey} (index payload)`, view.getUint8(0));
  const packCount = view.getUint32(1, true);
  const packs: WrittenPack[] = [];
  let at = 5;
  for (let p = 0; p < packCount; p++) {
    if (at + 40 > bytes.length) throw bad("pack header past end");
    const packId = toHex(bytes.subarray(at, at + 32));
    const size = view.getUint32(at + 32, true);
    const count = view.getUint32(at + 36, true);
    at += 40;
    if (at + count * ENTRY_SIZE > bytes.length) throw bad("entries past end");
    const entries = [];
    for (let i = 0; i < count; i++) {
      // Ids as views into the decoded index (it stays in memory anyway): no copy per blob.
      entries.push(readEntry(bytes, view, at, true));
      at += ENTRY_SIZE;
    }
    packs.push({ packId, size, entries });
  }
  if (at !== bytes.length) throw bad("trailing bytes");
  return packs;
}
