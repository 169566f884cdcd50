// The shared GC test scenario (tests only): snapshot A (locked to day 10) and snapshot B (day 40)
// share one item; each has one of its own.
import type { SnapshotManifest } from "../snapshot/manifest";
import { data, newWorld, snapshot, type Items, type World } from "./test-support";

export interface TwoSnapshots extends World {
  a: string;
  b: string;
  itemsA: Items;
  itemsB: Items;
  ma: SnapshotManifest;
  mb: SnapshotManifest;
  /** Packs and indexes only A needs. */
  aOnlyPacks: string[];
  aOnlyIndexes: string[];
}

export async function twoSnapshots(indexEveryPacks = 1): Promise<TwoSnapshots> {
  const w = await newWorld(indexEveryPacks);
  const shared = data(1, 700_000);
  const itemsA: Items = new Map([
    ["shared.bin", shared],
    ["a.bin", data(2, 1_500_000)],
  ]);
  const itemsB: Items = new Map([
    ["shared.bin", shared],
    ["b.bin", data(3, 900_000)],
  ]);
  const a = await snapshot(w.vault, "unit-a", itemsA, w.clock.at(10));
  w.clock.set(1);
  const b = await snapshot(w.vault, "unit-b", itemsB, w.clock.at(40));
  const ma = await w.vault.readSnapshot(a);
  const mb = await w.vault.readSnapshot(b);
  return {
    ...w,
    a,
    b,
    itemsA,
    itemsB,
    ma,
    mb,
    aOnlyPacks: ma.packs.filter((p) => !mb.packs.includes(p)),
    aOnlyIndexes: ma.indexes.filter((i) => !mb.indexes.includes(i)),
  };
}
