// The restore planner: destinations per blob (dedup included) and how blobs coalesce into GETs.
import { describe, expect, it } from "vitest";
import type { BlobEntry } from "../pack/blob-table";
import { PACK_HEADER } from "../pack/format";
import type { SnapshotItem } from "../snapshot/manifest";
import { coalesce, planPacks } from "./plan";

const hex = (n: number) => n.toString(16).padStart(64, "0");
const entry = (n: number, offset: number, storedLength: number, rawLength = storedLength - 16): BlobEntry => ({
  id: new Uint8Array(32).fill(n),
  ordinal: n,
  offset,
  storedLength,
  rawLength,
  codec: 0,
});
const need = (offset: number, storedLength: number) => ({ entry: entry(1, offset, storedLength) });
const spans = (rs: { offset: number; length: number; needs: unknown[] }[]) => rs.map((r) => [r.offset, r.length, r.needs.length]);

describe("coalesce", () => {
  it("merges blobs whose gap is within maxGap, and takes the header along near the start", () => {
    const needs = [need(PACK_HEADER, 100), need(PACK_HEADER + 100, 50), need(1000, 10), need(5000, 10)];
    expect(spans(coalesce(needs, { maxGap: 1000, maxRange: 1 << 20 }))).toEqual([
      [0, 1010, 3],
      [5000, 10, 1],
    ]);
    expect(spans(coalesce(needs, { maxGap: 4000, maxRange: 1 << 20 }))).toEqual([[0, 5010, 4]]);
    expect(spans(coalesce(needs, { maxGap: 0, maxRange: 1 << 20 }))).toEqual([
      [0, 190, 2],
      [1000, 10, 1],
      [5000, 10, 1],
    ]);
  });

  it("starts a new range at maxRange, but never splits a blob, and leaves the header out when far away", () => {
    const needs = [need(10_000, 400), need(10_400, 400), need(10_800, 400), need(11_200, 2000)];
    expect(spans(coalesce(needs, { maxGap: 100, maxRange: 1000 }))).toEqual([
      [10_000, 800, 2],
      [10_800, 400, 1],
      [11_200, 2000, 1],
    ]);
  });
});

describe("planPacks", () => {
  const item = (path: string, size: number, blobs: number[]): { item: SnapshotItem } => ({ item: { path, size, meta: {}, blobs: blobs.map(hex) } });
  const index = new Map<string, { packId: string; entry: BlobEntry }>([
    [hex(1), { packId: "p1", entry: entry(1, 200, 116) }],
    [hex(2), { packId: "p1", entry: entry(2, 40, 66) }],
    [hex(3), { packId: "p2", entry: entry(3, 40, 26) }],
  ]);

  it("lists every destination of a blob — across files and twice in one file — and the packs in first-need order", () => {
    const a = item("a", 100 + 50 + 100, [1, 2, 1]);
    const b = item("b", 10 + 100, [3, 1]);
    const empty = item("e", 0, []);
    const plan = planPacks([a, b, empty], index);
    expect(plan.unplannable).toEqual([]);
    expect(plan.packs.map((p) => p.packId)).toEqual(["p1", "p2"]);
    const p1 = plan.packs[0];
    // Sorted by offset: blob 2 (offset 40) before blob 1 (offset 200).
    expect(p1?.blobs.map((n) => n.entry.ordinal)).toEqual([2, 1]);
    expect(p1?.blobs[1]?.dests.map((d) => [d.file, d.offset])).toEqual([
      [a, 0],
      [a, 150],
      [b, 10],
    ]);
    expect([...plan.writes]).toEqual([
      [a, 3],
      [b, 2],
      [empty, 0],
    ]);
  });

  it("sets aside items with an unindexed blob or blobs that do not add up to the size", () => {
    const missing = item("m", 100, [1, 9]);
    const wrong = item("w", 99, [1]);
    const plan = planPacks([missing, wrong], index);
    expect(plan.unplannable).toEqual([
      { file: missing, reason: `blob ${hex(9)} is in none of the snapshot's indexes` },
      { file: wrong, reason: "its blobs add up to 100 bytes, the manifest says 99" },
    ]);
    expect(plan.packs).toEqual([]);
  });
});
