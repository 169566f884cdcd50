import { describe, expect, it } from "vitest";
import { sha256Hex } from "../object-read";
import { packKeyFor } from "../pack/format";
import { indexKeyFor } from "../repo-index/index-file";
import { snapshotKeyFor } from "../snapshot/manifest";
import { streamOf } from "../testing";
import { verifyVault } from "../verify";
import { collectGarbage } from "./collect";
import { twoSnapshots } from "./scenario";
import { Clock, data, expectRestores, fingerprint, snapshot } from "./test-support";

const gc = (s: { vault: Parameters<typeof collectGarbage>[0]; store: Parameters<typeof collectGarbage>[1]; clock: Clock }, extra = {}) =>
  collectGarbage(s.vault, s.store, { now: s.clock.now, graceMs: 0, ...extra });

describe("collectGarbage: what it deletes", () => {
  it("deletes nothing while every snapshot is locked", async () => {
    const s = await twoSnapshots();
    s.clock.set(9);
    const before = fingerprint(s.store);
    const r = await gc(s);
    expect(fingerprint(s.store)).toEqual(before);
    expect(r).toMatchObject({ liveSnapshots: 2, snapshotsDeleted: 0, packsDeleted: 0, indexesDeleted: 0, tombstonesWritten: 0, versionsDeleted: 0, problems: [], sweepBlocked: null });
    expect(r.kept.referenced).toBe(2 + new Set([...s.ma.packs, ...s.mb.packs]).size + new Set([...s.ma.indexes, ...s.mb.indexes]).size);
  });

  it("after A expires while B lives, deletes exactly A's manifest and the packs and indexes only A needed; B restores byte for byte", async () => {
    const s = await twoSnapshots();
    expect(s.aOnlyPacks.length).toBeGreaterThan(0);
    expect(s.aOnlyIndexes.length).toBeGreaterThan(0);
    // What A alone holds, measured before the sweep: at least that much must be freed.
    const aOnlyKeys = [snapshotKeyFor(s.a), ...s.aOnlyPacks.map(packKeyFor), ...s.aOnlyIndexes.map(indexKeyFor)];
    const aOnlyBytes = (await Promise.all(aOnlyKeys.map(async (k) => (await s.store.head(k))?.size ?? 0))).reduce((n, x) => n + x, 0);
    expect(aOnlyBytes).toBeGreaterThan(0);
    s.clock.set(11);
    const r = await gc(s);
    expect(r).toMatchObject({
      liveSnapshots: 1,
      snapshotsDeleted: 1,
      packsDeleted: s.aOnlyPacks.length,
      indexesDeleted: s.aOnlyIndexes.length,
      tombstonesWritten: 1,
      problems: [],
    });
    expect(r.bytesFreed).toBeGreaterThanOrEqual(aOnlyBytes);
    expect(s.store.keys("snapshots/")).toEqual([snapshotKeyFor(s.b)]);
    expect(s.store.keys("data/")).toEqual(s.mb.packs.map(packKeyFor).sort());
    expect(s.store.keys("index/")).toEqual(s.mb.indexes.map(indexKeyFor).sort());
    expect(s.store.keys("config")).toEqual(["config"]);
    await expectRestores(s, s.b, s.itemsB);
    expect(await verifyVault(await s.open())).toMatchObject({ ok: true, snapshots: 1 });
  });

  it("is idempotent: a second run deletes and writes nothing", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    await gc(s);
    const before = fingerprint(s.store);
    const puts = s.store.puts;
    const r = await gc(s);
    expect(fingerprint(s.store)).toEqual(before);
    expect(s.store.puts).toBe(puts);
    expect(r).toMatchObject({ snapshotsDeleted: 0, packsDeleted: 0, indexesDeleted: 0, tombstonesWritten: 0, tombstonesDeleted: 0, versionsDeleted: 0, problems: [] });
  });

  it("dry run reports what a real run then does, and changes nothing", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const before = fingerprint(s.store);
    const dry = await gc(s, { dryRun: true });
    expect(fingerprint(s.store)).toEqual(before);
    const real = await gc(s);
    const counts = ({ dryRun: _, now: __, ...rest }: typeof real) => rest;
    expect(counts(dry)).toEqual(counts(real));
    expect(dry.dryRun).toBe(true);
  });

  it("keeps the packs of a snapshot on legal hold (its manifest's lock extended) after their own locks have passed", async () => {
    const s = await twoSnapshots();
    await s.store.extendRetention(snapshotKeyFor(s.a), s.clock.at(100));
    s.clock.set(50); // B (day 40) has expired; so have all of A's packs (at most day 40)
    for (const p of s.ma.packs) expect((await s.store.retention(packKeyFor(p))).retainUntil?.getTime()).toBeLessThan(s.clock.t);
    const r = await gc(s);
    expect(r).toMatchObject({ snapshotsDeleted: 1, liveSnapshots: 1, problems: [] });
    expect(s.store.keys("snapshots/")).toEqual([snapshotKeyFor(s.a)]);
    expect(s.store.keys("data/")).toEqual(s.ma.packs.map(packKeyFor).sort());
    expect(r.packsDeleted).toBe(s.mb.packs.filter((p) => !s.ma.packs.includes(p)).length);
    await expectRestores(s, s.a, s.itemsA);
  });

  it("with a clock far ahead of the server's deletes nothing locked, and reports each refusal", async () => {
    const s = await twoSnapshots();
    const orphan = data(9, 4000);
    const orphanKey = packKeyFor(sha256Hex(orphan));
    await s.store.put(orphanKey, orphan, { retainUntil: s.clock.at(20) });
    s.clock.set(5); // the server's clock
    const before = fingerprint(s.store).filter((k) => !k.startsWith("gc/"));
    const liar = new Clock(s.clock.at(1000).getTime());
    const r = await collectGarbage(s.vault, s.store, { now: liar.now, graceMs: 0 });
    expect(fingerprint(s.store).filter((k) => !k.startsWith("gc/"))).toEqual(before);
    expect(r).toMatchObject({ snapshotsDeleted: 0, packsDeleted: 0, indexesDeleted: 0, versionsDeleted: 0, liveSnapshots: 2, problems: [] });
    const refused = r.skipped.filter((x) => x.reason === "locked" && x.detail.includes("refused")).map((x) => x.object);
    expect(refused).toEqual([orphanKey, snapshotKeyFor(s.a), snapshotKeyFor(s.b)].sort());
    expect(r.kept.locked).toBe(3);
    await expectRestores(s, s.a, s.itemsA);
    await expectRestores(s, s.b, s.itemsB);

    s.clock.set(21); // honest clock, orphan's lock passed; A expired too, B lives
    const honest = await gc(s);
    expect(honest).toMatchObject({ snapshotsDeleted: 1, problems: [] });
    expect(s.store.keys(orphanKey)).toEqual([]);
    await expectRestores(s, s.b, s.itemsB);
  });

  it("finds packs a crashed writer never indexed, and collects them only once their lock has passed", async () => {
    const s = await twoSnapshots();
    const crashed = await (await s.open()).startSnapshot({ source: "test", unit: "crashed", startedAt: new Date(), retainUntil: s.clock.at(15) });
    const before = new Set(s.store.keys("data/"));
    await crashed.putItem("big.bin", streamOf(data(7, 1_600_000))); // fills packs; the last index would come at commit
    const orphans = s.store.keys("data/").filter((k) => !before.has(k));
    const indexes = s.store.keys("index/");
    expect(orphans.length).toBeGreaterThan(0);
    // (the crashed writer is simply never used again)
    s.clock.set(12);
    let r = await gc(s);
    expect(orphans.every((k) => s.store.keys(k).length === 1)).toBe(true);
    expect(r.skipped.filter((x) => orphans.includes(x.object)).map((x) => x.reason)).toEqual(orphans.map(() => "locked"));
    s.clock.set(16);
    r = await gc(s);
    expect(orphans.filter((k) => s.store.keys(k).length > 0)).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(s.store.keys("index/").every((k) => indexes.includes(k))).toBe(true);
    await expectRestores(s, s.b, s.itemsB);
  });

  it("keeps every pack of an index a live snapshot lists, even packs that snapshot does not need", async () => {
    const s = await twoSnapshots(8); // one index per commit: A's describes the shared packs and A's own
    expect(s.ma.indexes.filter((i) => s.mb.indexes.includes(i))).toEqual(s.ma.indexes);
    const packs = s.store.keys("data/");
    s.clock.set(11);
    const r = await gc(s);
    expect(r).toMatchObject({ snapshotsDeleted: 1, packsDeleted: 0, indexesDeleted: 0, tombstonesWritten: 0, problems: [] });
    expect(s.store.keys("data/")).toEqual(packs);
    await expectRestores(s, s.b, s.itemsB);
    s.clock.set(41);
    expect(await gc(s)).toMatchObject({ snapshotsDeleted: 1, packsDeleted: packs.length, indexesDeleted: 2, problems: [] });
    expect(s.store.keys("").filter((k) => !k.startsWith("gc/"))).toEqual(["config"]);
  });

  it("removes a tombstone once no index lists its packs and its own lock has passed", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    await gc(s, { tombstoneLockMs: 3_600_000 });
    const [tomb] = s.store.keys("gc/");
    expect(tomb).toBeDefined();
    s.clock.t += 1_800_000;
    const locked = await gc(s);
    expect(locked.tombstonesDeleted).toBe(0);
    expect(locked.skipped).toEqual([{ object: tomb, reason: "locked", detail: expect.stringMatching(/^locked until/) as unknown }]);
    s.clock.t += 3_600_000;
    expect(await gc(s)).toMatchObject({ tombstonesDeleted: 1, problems: [] });
    expect(s.store.keys("gc/")).toEqual([]);
    await expectRestores(s, s.b, s.itemsB);
  });

  it("waits out the tombstone grace before deleting packs, and writes no second tombstone meanwhile", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const first = await gc(s, { graceMs: 6 * 3_600_000 });
    expect(first).toMatchObject({ snapshotsDeleted: 1, packsDeleted: 0, indexesDeleted: 0, tombstonesWritten: 1 });
    expect(first.kept.waiting).toBeGreaterThanOrEqual(s.aOnlyPacks.length);
    s.clock.t += 3_600_000;
    expect(await gc(s, { graceMs: 6 * 3_600_000 })).toMatchObject({ packsDeleted: 0, tombstonesWritten: 0 });
    s.clock.t += 6 * 3_600_000;
    expect(await gc(s, { graceMs: 6 * 3_600_000 })).toMatchObject({ packsDeleted: s.aOnlyPacks.length, indexesDeleted: s.aOnlyIndexes.length, tombstonesWritten: 0 });
    await expectRestores(s, s.b, s.itemsB);
  });
});

describe("collectGarbage: objects it did not write", () => {
  it("ignores forged manifests, indexes and tombstones (reporting each), and still sweeps", async () => {
    const s = await twoSnapshots();
    const forge = async (prefix: string, retainDays: number) => {
      const bytes = data(retainDays * 7 + prefix.length, 3000);
      const key = `${prefix}${sha256Hex(bytes)}`;
      await s.store.put(key, bytes, { retainUntil: s.clock.at(retainDays) });
      return key;
    };
    const fakeSnap = await forge("snapshots/", 30);
    const fakeIndex = await forge("index/", 5);
    const fakeTomb = await forge("gc/", 5);
    // An intruder overwrites B's manifest and one of A's packs (with a longer lock).
    await s.store.put(snapshotKeyFor(s.b), data(11, 500), { retainUntil: s.clock.at(60) });
    const pinned = packKeyFor(s.aOnlyPacks[0] as string);
    await s.store.put(pinned, data(12, 500), { retainUntil: s.clock.at(300) });

    s.clock.set(11);
    const r = await gc(s);
    expect(r.sweepBlocked).toBeNull();
    expect(r.problems.map((p) => p.object).sort()).toEqual([fakeTomb, fakeIndex, fakeSnap].sort());
    expect(r.problems.find((p) => p.object === fakeSnap)?.problem).toMatch(/not an authentic snapshot manifest/);
    expect(s.store.keys(fakeIndex)).toEqual([]); // not ours and unlocked: gone
    expect(s.store.keys(fakeSnap)).toEqual([fakeSnap]); // not ours but locked: stays
    expect(r.packsDeleted).toBe(s.aOnlyPacks.length - 1);
    expect(s.store.objects.get(pinned)).toHaveLength(2); // all or nothing per key: the original stays with the locked forgery
    await expectRestores(s, s.b, s.itemsB);
    await (await s.open()).startSnapshot({ source: "test", unit: "x", startedAt: new Date(), retainUntil: s.clock.at(20) }); // writers ignore the fake tombstone
  });

  it("does not sweep packs or indexes while a live manifest is in a format it does not know", async () => {
    const s = await twoSnapshots();
    const future = new Uint8Array(200);
    future.set(Buffer.from("HFSN\x02", "latin1"));
    const key = snapshotKeyFor(sha256Hex(future));
    await s.store.put(key, future, { retainUntil: s.clock.at(30) });
    s.clock.set(11);
    const before = fingerprint(s.store).filter((k) => !k.startsWith("snapshots/"));
    const r = await gc(s);
    expect(r.snapshotsDeleted).toBe(1);
    expect(r.sweepBlocked).toMatch(/could not be read/);
    expect(r.problems).toEqual([{ object: key, problem: expect.stringMatching(/unsupported format version 2/) as unknown }]);
    expect(fingerprint(s.store).filter((k) => !k.startsWith("snapshots/"))).toEqual(before);
  });
});

describe("collectGarbage: the snapshot helper it relies on", () => {
  it("writes one snapshot per call (sanity check of the scenario)", async () => {
    const s = await twoSnapshots();
    expect(s.store.keys("snapshots/")).toHaveLength(2);
    expect(await snapshot(s.vault, "u", new Map(), s.clock.at(3))).toMatch(/^[0-9a-f]{64}$/);
  });
});
