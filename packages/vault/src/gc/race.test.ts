import { describe, expect, it } from "vitest";
import { indexKeyFor } from "../repo-index/index-file";
import { streamOf } from "../testing";
import { collectGarbage } from "./collect";
import { twoSnapshots, type TwoSnapshots } from "./scenario";
import { beforeFirstDelete, DAY, expectRestores } from "./test-support";

const HEX64 = /^[0-9a-f]{64}$/;

async function writerOfA(s: TwoSnapshots) {
  const v = await s.open(); // another process, with its own in-memory index
  const w = await v.startSnapshot({ source: "test", unit: "unit-a2", startedAt: s.clock.now(), retainUntil: s.clock.at(60) });
  await w.putItem("a.bin", streamOf(s.itemsA.get("a.bin") as Uint8Array));
  return { v, w };
}
const onlyA = (s: TwoSnapshots) => new Map([["a.bin", s.itemsA.get("a.bin") as Uint8Array]]);

describe("GC racing writers (no global lock: Object Lock is the lease)", () => {
  it("a writer that deduplicated against packs GC then deleted fails its commit naming the object; its retry re-uploads and succeeds", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const { v, w } = await writerOfA(s);
    expect(w.stats.newBlobs).toBe(0); // everything deduplicated against A's packs

    const r = await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 });
    expect(r.packsDeleted).toBe(s.aOnlyPacks.length);
    await expect(w.commit()).rejects.toThrow(/^(data\/[0-9a-f]{2}|index)\/[0-9a-f]{64}: referenced by the new snapshot but missing$/);

    // The same process retries (its index still remembers the deleted packs until it refreshes).
    const retry = await v.startSnapshot({ source: "test", unit: "unit-a2", startedAt: s.clock.now(), retainUntil: s.clock.at(60) });
    expect(s.aOnlyPacks.every((p) => v.index.tombstonedPacks.has(p) && v.index.retiredPacks.has(p))).toBe(true);
    await retry.putItem("a.bin", streamOf(s.itemsA.get("a.bin") as Uint8Array));
    expect(retry.stats.newBlobs).toBeGreaterThan(0);
    const id = await retry.commit();
    await expectRestores(s, id, onlyA(s));

    s.clock.set(12);
    expect(await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 })).toMatchObject({ packsDeleted: 0, problems: [] });
    await expectRestores(s, id, onlyA(s));
  });

  it("a writer that commits between GC's decision and its delete wins: the server refuses the delete and the snapshot restores", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const { w } = await writerOfA(s);
    let committed = "";
    const racing = beforeFirstDelete(s.store, /^data\//, async () => {
      committed = await w.commit(); // extends the locks of the packs GC is about to delete
    });
    const r = await collectGarbage(s.vault, racing, { now: s.clock.now, graceMs: 0 });
    expect(committed).toMatch(HEX64);
    expect(r).toMatchObject({ snapshotsDeleted: 1, packsDeleted: 0, indexesDeleted: 0, problems: [] });
    const refused = r.skipped.filter((x) => x.reason === "locked" && x.detail.startsWith("the server refused the delete"));
    expect(refused.length).toBeGreaterThan(0);
    await expectRestores(s, committed, onlyA(s));

    s.clock.set(30);
    expect(await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 })).toMatchObject({ liveSnapshots: 2, packsDeleted: 0, problems: [] });
    await expectRestores(s, committed, onlyA(s));
    await expectRestores(s, s.b, s.itemsB);
  });

  it("writers that start after GC announces packs do not deduplicate against them; one that started before still commits within the grace", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const early = await writerOfA(s);
    const first = await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: DAY });
    expect(first).toMatchObject({ tombstonesWritten: 1, packsDeleted: 0 });
    const late = await writerOfA(s);
    expect(late.w.stats.newBlobs).toBeGreaterThan(0);
    const earlyId = await early.w.commit();
    const lateId = await late.w.commit();

    s.clock.set(13);
    const r = await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: DAY });
    expect(r).toMatchObject({ packsDeleted: 0, problems: [] }); // the early writer's snapshot references them now
    await expectRestores(s, earlyId, onlyA(s));
    await expectRestores(s, lateId, onlyA(s));
  });

  it("an index put back after GC removed it and its tombstone is announced again, so writers stop failing on its packs", async () => {
    const s = await twoSnapshots();
    const [revived] = s.aOnlyIndexes;
    const bytes = await s.store.get(indexKeyFor(revived as string));
    s.clock.set(11);
    await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 });
    s.clock.set(13);
    expect(await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 })).toMatchObject({ tombstonesDeleted: 1 });
    await s.store.put(indexKeyFor(revived as string), bytes, { retainUntil: s.clock.at(100) }); // an intruder with the writer's key

    const r = await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 });
    expect(r.tombstonesWritten).toBe(1);
    expect(r.problems).toEqual([{ object: "index/", problem: expect.stringMatching(/missing and were not announced/) as unknown }]);
    const { w } = await writerOfA(s);
    expect(w.stats.newBlobs).toBeGreaterThan(0);
    await expectRestores(s, await w.commit(), onlyA(s));
    expect(await collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0 })).toMatchObject({ tombstonesWritten: 0, problems: [] });
  });
});
