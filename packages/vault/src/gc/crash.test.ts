import { describe, expect, it } from "vitest";
import { packKeyFor } from "../pack/format";
import { indexKeyFor } from "../repo-index/index-file";
import { snapshotKeyFor } from "../snapshot/manifest";
import type { ObjectVersionInfo } from "../store/types";
import { collectGarbage } from "./collect";
import { twoSnapshots, type TwoSnapshots } from "./scenario";
import { crashingStore, expectRestores, failingDeletes, until } from "./test-support";

const opts = (s: TwoSnapshots) => ({ now: s.clock.now, graceMs: 0 });

/** Where one clean run at day 11 leaves the bucket: only B and what it needs, plus one tombstone. */
async function expectConverged(s: TwoSnapshots): Promise<void> {
  expect(s.store.keys("snapshots/")).toEqual([snapshotKeyFor(s.b)]);
  expect(s.store.keys("data/")).toEqual(s.mb.packs.map(packKeyFor).sort());
  expect(s.store.keys("index/")).toEqual(s.mb.indexes.map(indexKeyFor).sort());
  expect(s.store.keys("gc/")).toHaveLength(1);
  await expectRestores(s, s.b, s.itemsB);
}

describe("collectGarbage after a crash", () => {
  it("a run that dies after any number of writes and deletes, then a rerun, ends where one clean run ends", async () => {
    // Chunk boundaries (and so pack counts) depend on each vault's key, so each scenario counts its own.
    let crashes = 0;
    for (let n = 0; n < 100; n++) {
      const s = await twoSnapshots();
      s.clock.set(11);
      const crashing = crashingStore(s.store, n);
      const dying = collectGarbage(await s.open(crashing), crashing, opts(s));
      const finished = await Promise.race([dying.then(() => true), until(() => crashing.crashed).then(() => false)]);

      const rerun = await collectGarbage(s.vault, s.store, opts(s));
      expect(rerun.problems, `after a crash at mutation ${n}`).toEqual([]);
      await expectConverged(s);
      const again = await collectGarbage(s.vault, s.store, opts(s));
      expect(again).toMatchObject({ snapshotsDeleted: 0, packsDeleted: 0, indexesDeleted: 0, tombstonesWritten: 0, versionsDeleted: 0 });
      if (finished) break;
      crashes++;
    }
    expect(crashes).toBeGreaterThan(4); // snapshot, tombstone, packs and indexes each cut somewhere
  });

  it("reports every delete that fails (naming the object), keeps going, and a rerun converges", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const r = await collectGarbage(s.vault, failingDeletes(s.store, 2), opts(s));
    expect(r.problems.length).toBeGreaterThan(0);
    for (const p of r.problems) {
      expect(p.object).toMatch(/^(data|index|snapshots)\//);
      expect(p.problem).toMatch(new RegExp(`^delete failed, kept: deleteVersion memory/${p.object.replace(/\//g, "\\/")}: object store unavailable`));
    }
    expect(r.versionsDeleted).toBe(2);
    await expectRestores(s, s.b, s.itemsB);
    expect((await collectGarbage(s.vault, s.store, opts(s))).problems).toEqual([]);
    await expectConverged(s);
  });

  it("does not swallow a listing failure: the run rejects with it and deletes nothing", async () => {
    const s = await twoSnapshots();
    s.clock.set(11);
    const broken = Object.assign(crashingStore(s.store, Number.POSITIVE_INFINITY), {
      // eslint-disable-next-line require-yield
      async *listVersions(prefix: string): AsyncIterable<ObjectVersionInfo> {
        await Promise.resolve();
        throw new Error(`listVersions ${prefix}*: object store unavailable`);
      },
    });
    const deletes = s.store.deletes;
    await expect(collectGarbage(s.vault, broken, opts(s))).rejects.toThrow(/listVersions snapshots\/\*: object store unavailable/);
    expect(s.store.deletes).toBe(deletes);
  });
});
