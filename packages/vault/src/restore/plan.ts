// Restore planning: from the items to restore, which blobs each pack must yield and every (file,
// offset) each blob goes to; then which byte ranges of a pack to GET. Pure: no I/O.
import type { BlobEntry } from "../pack/blob-table";
import { PACK_HEADER } from "../pack/format";
import type { SnapshotItem } from "../snapshot/manifest";

export interface Destination<F> {
  file: F;
  offset: number;
}

/** One blob a restore needs, wherever it goes: dedup means one blob may fill many files, or one file twice. */
export interface BlobNeed<F> {
  entry: BlobEntry;
  dests: Destination<F>[];
}

export interface PackNeed<F> {
  packId: string;
  /** Sorted by offset in the pack. */
  blobs: BlobNeed<F>[];
}

export interface Plan<F> {
  /** In the order the items first need them, so files complete roughly in path order. */
  packs: PackNeed<F>[];
  /** Files whose blobs cannot all be located, or whose blobs do not add up to the manifest size. */
  unplannable: { file: F; reason: string }[];
  /** Positional writes each plannable file will receive (0 for an empty file). */
  writes: Map<F, number>;
}

export interface Locator {
  get(idHex: string): { packId: string; entry: BlobEntry } | undefined;
}

export function planPacks<F extends { item: SnapshotItem }>(files: readonly F[], index: Locator): Plan<F> {
  const packs = new Map<string, Map<string, BlobNeed<F>>>();
  const unplannable: { file: F; reason: string }[] = [];
  const writes = new Map<F, number>();
  for (const file of files) {
    const { item } = file;
    const located: { packId: string; entry: BlobEntry; hex: string }[] = [];
    let size = 0;
    let missing: string | undefined;
    for (const hex of item.blobs) {
      const loc = index.get(hex);
      if (!loc) {
        missing = hex;
        break;
      }
      located.push({ ...loc, hex });
      size += loc.entry.rawLength;
    }
    if (missing !== undefined) {
      unplannable.push({ file, reason: `blob ${missing} is in none of the snapshot's indexes` });
      continue;
    }
    if (size !== item.size) {
      unplannable.push({ file, reason: `its blobs add up to ${size} bytes, the manifest says ${item.size}` });
      continue;
    }
    let offset = 0;
    for (const { packId, entry, hex } of located) {
      let pack = packs.get(packId);
      if (!pack) packs.set(packId, (pack = new Map<string, BlobNeed<F>>()));
      let need = pack.get(hex);
      if (!need) pack.set(hex, (need = { entry, dests: [] }));
      need.dests.push({ file, offset });
      offset += entry.rawLength;
    }
    writes.set(file, located.length);
  }
  return {
    packs: [...packs].map(([packId, blobs]) => ({ packId, blobs: [...blobs.values()].sort((a, b) => a.entry.offset - b.entry.offset) })),
    unplannable,
    writes,
  };
}

export interface RangeOptions {
  /** Merge two needed blobs into one GET when at most this many unneeded bytes lie between them. */
  maxGap: number;
  /** Never GET more than this in one range (unless a single blob is larger). */
  maxRange: number;
}

export interface PlannedRange<N extends { entry: BlobEntry }> {
  offset: number;
  length: number;
  needs: N[];
}

/**
 * Coalesces blobs (sorted by offset) into ranges: near neighbours share a GET, and a range that
 * starts near the pack's start takes the 40-byte header along instead of a GET of its own.
 */
export function coalesce<N extends { entry: BlobEntry }>(needs: readonly N[], opts: RangeOptions): PlannedRange<N>[] {
  const out: { offset: number; end: number; needs: N[] }[] = [];
  for (const n of needs) {
    const start = n.entry.offset;
    const end = start + n.entry.storedLength;
    const cur = out.at(-1);
    if (cur && start >= cur.end && start - cur.end <= opts.maxGap && end - cur.offset <= opts.maxRange) {
      cur.end = end;
      cur.needs.push(n);
    } else {
      out.push({ offset: start, end, needs: [n] });
    }
  }
  const first = out[0];
  if (first && first.offset - PACK_HEADER <= opts.maxGap && first.end <= opts.maxRange) first.offset = 0;
  return out.map((r) => ({ offset: r.offset, length: r.end - r.offset, needs: r.needs }));
}

