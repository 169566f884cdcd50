// Vault.extendSnapshotLocks: a held snapshot's manifest, packs, indexes and config are all raised,
// never lowered, and another snapshot's objects are left alone.
import { describe, expect, it } from "vitest";
import { packKeyFor } from "../pack/format";
import { indexKeyFor } from "../repo-index/index-file";
import { MemoryObjectStore, pseudoRandomBytes, streamOf } from "../testing";
import { inDays, newKms, SMALL_CHUNKER, SMALL_PACK } from "../test-support/fixtures";
import { initVault } from "../vault";
import { snapshotKeyFor } from "./manifest";

async function lockOf(store: MemoryObjectStore, key: string): Promise<number> {
  return (await store.retention(key)).retainUntil?.getTime() ?? 0;
}

describe("Vault.extendSnapshotLocks", () => {
  it("raises every object the snapshot needs to the new date and lowers nothing", async () => {
    const store = new MemoryObjectStore();
    const { vault } = await initVault(store, { kms: newKms(), retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 0 });
    const write = async (unit: string, days: number) => {
      const w = await vault.startSnapshot({ source: "s", unit, startedAt: new Date(), retainUntil: inDays(days) });
      await w.putItem(`${unit}/a.bin`, streamOf(pseudoRandomBytes(unit.length, 200_000), 4096), {});
      return w.commit();
    };
    const held = await write("held", 2);
    const other = await write("other-unit", 3);
    const m = await vault.readSnapshot(held);
    const otherM = await vault.readSnapshot(other);
    const keys = [snapshotKeyFor(held), ...m.packs.map(packKeyFor), ...m.indexes.map(indexKeyFor), "config"];
    expect(m.packs.length).toBeGreaterThan(0);

    const until = inDays(60);
    await vault.extendSnapshotLocks(held, until);
    for (const k of keys) expect(await lockOf(store, k), k).toBe(until.getTime());
    // The other snapshot's manifest and its own packs keep their dates.
    expect(await lockOf(store, snapshotKeyFor(other))).toBeLessThan(inDays(4).getTime());
    for (const p of otherM.packs.filter((p) => !m.packs.includes(p))) expect(await lockOf(store, packKeyFor(p))).toBeLessThan(inDays(4).getTime());

    // An earlier date changes nothing: locks only ever move later.
    await vault.extendSnapshotLocks(held, inDays(10));
    for (const k of keys) expect(await lockOf(store, k), k).toBe(until.getTime());
    await vault.close();
  });

  it("refuses an id that is not a snapshot of this vault", async () => {
    const store = new MemoryObjectStore();
    const { vault } = await initVault(store, { kms: newKms(), retention: { days: 1 }, workers: 0 });
    await expect(vault.extendSnapshotLocks("0".repeat(64), inDays(60))).rejects.toThrow();
    await vault.close();
  });
});
