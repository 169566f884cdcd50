// Restore by pack against the in-memory store: byte identity for every shape of item, selection,
// damage and overwrite handling, path safety, and the number of GETs.
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { initVault, openVault } from "../vault";
import { MemoryObjectStore, collect, pseudoRandomBytes, streamOf } from "../testing";
import { SMALL_CHUNKER, SMALL_PACK, inDays, newKms, pseudoText, sameBytes } from "../test-support/fixtures";
import type { ObjectStore } from "../store/types";
import { restoreToDirectory, type RestoreProgress } from "./restore";
import { UnsafeItemPathError } from "./paths";

/** Counts GETs per key prefix, so a test can prove O(packs) reads. */
class CountingStore extends MemoryObjectStore {
  readonly gets: { key: string; range?: { offset: number; length: number }; versionId?: string }[] = [];
  override get(key: string, range?: { offset: number; length: number }, versionId?: string): Promise<Uint8Array> {
    this.gets.push({ key, range, versionId });
    return super.get(key, range, versionId);
  }
  dataGets(): number {
    return this.gets.filter((g) => g.key.startsWith("data/")).length;
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-vault-restore-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const kms = newKms();
const run = () => ({ source: "s", unit: "u", startedAt: new Date(), retainUntil: inDays(1) });

async function snapshotOf(files: Map<string, Uint8Array>, store: ObjectStore = new CountingStore()) {
  const init = await initVault(store, { kms, retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 0 });
  const w = await init.vault.startSnapshot(run());
  for (const [path, data] of files) await w.putItem(path, streamOf(data, 50_000));
  const id = await w.commit();
  await init.vault.close();
  // A fresh handle, as a restore would have: nothing cached from writing.
  const vault = await openVault(store, { kms, workers: 0 });
  return { store, vault, id };
}

async function tree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(root, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

function expectSameTree(got: Map<string, Buffer>, want: Map<string, Uint8Array>) {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [p, data] of want) expect(sameBytes(got.get(p) ?? new Uint8Array(1), data), p).toBe(true);
}

/** Random and text items, empties, one blob in twenty files, a file made of one block three times, multi-pack items. */
function corpus(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const block = pseudoRandomBytes(7, 300_000);
  const thrice = new Uint8Array(block.length * 3);
  for (let i = 0; i < 3; i++) thrice.set(block, i * block.length);
  files.set("dedup/thrice.bin", thrice);
  const shared = pseudoText(8, 9_000);
  for (let i = 0; i < 20; i++) files.set(`dedup/copy-${String(i).padStart(2, "0")}.txt`, shared);
  files.set("empty/a", new Uint8Array(0));
  files.set("empty/deeper/b", new Uint8Array(0));
  files.set("large/random-2m.bin", pseudoRandomBytes(9, 2_000_000 + 3));
  files.set("large/text-3m.txt", pseudoText(10, 3_000_000));
  for (let i = 0; i < 30; i++) files.set(`small/${i}.bin`, i % 2 ? pseudoRandomBytes(100 + i, 1 + i * 997) : pseudoText(100 + i, 1 + i * 1_301));
  files.set("one-byte", new Uint8Array([42]));
  // Starts with the chunks of large/random-2m.bin (early packs) and ends in new ones (the last
  // pack): it stays partly written while other files are written.
  const mixed = new Uint8Array(2_000_003 + 400_000);
  mixed.set(files.get("large/random-2m.bin") ?? new Uint8Array(0), 0);
  mixed.set(pseudoRandomBytes(11, 400_000), 2_000_003);
  files.set("zz/mixed.bin", mixed);
  return files;
}

describe("restoreToDirectory", () => {
  it("restores random, text, empty, dedup-heavy and multi-pack items byte for byte", async () => {
    const files = corpus();
    const { store, vault, id } = await snapshotOf(files);
    const m = await vault.readSnapshot(id);
    // The shapes the test claims are really there.
    const thrice = m.items.find((i) => i.path === "dedup/thrice.bin");
    expect(new Set(thrice?.blobs).size).toBeLessThan(thrice?.blobs.length ?? 0);
    expect(new Set(m.items.filter((i) => i.path.startsWith("dedup/copy-")).map((i) => i.blobs.join())).size).toBe(1);
    expect(m.packs.length).toBeGreaterThan(4);

    const seen: RestoreProgress[] = [];
    const report = await restoreToDirectory(vault, id, { target: join(dir, "out"), onProgress: (p) => seen.push(p) });
    expect(report.failed).toEqual([]);
    expect(report).toMatchObject({ items: files.size, filesWritten: files.size, packs: m.packs.length });
    expect(report.bytes).toBe([...files.values()].reduce((n, d) => n + d.length, 0));
    expectSameTree(await tree(join(dir, "out")), files);
    expect(seen.at(-1)).toMatchObject({ itemsDone: files.size, itemsFailed: 0, itemsTotal: files.size });
    // One GET per pack (the header rides along with the first range), never one per blob.
    expect(store instanceof CountingStore && store.dataGets()).toBe(m.packs.length);
  });

  it.each([0, 1, 3])("gives the same bytes with %i writer threads, tiny ranges, one at a time, and files that must be reopened", async (writers) => {
    const files = corpus();
    const { vault, id } = await snapshotOf(files);
    const report = await restoreToDirectory(vault, id, {
      target: join(dir, "out"),
      writers,
      concurrency: 1,
      maxRangeBytes: 40_000,
      maxGapBytes: 0,
      maxPendingWriteBytes: 1,
      maxOpenFiles: 1,
    });
    expect(report.failed).toEqual([]);
    expect(report.ranges).toBeGreaterThan(report.packs * 3);
    expectSameTree(await tree(join(dir, "out")), files);
  });

  it("reads N small items of one pack with O(packs) GETs, where readItem needs O(blobs)", async () => {
    const files = new Map<string, Uint8Array>();
    for (let i = 0; i < 200; i++) files.set(`mail/${String(i).padStart(4, "0")}.eml`, pseudoText(1000 + i, 1_000 + i));
    const store = new CountingStore();
    const { vault, id } = await snapshotOf(files, store);
    expect((await vault.readSnapshot(id)).packs).toHaveLength(1);

    store.gets.length = 0;
    const report = await restoreToDirectory(vault, id, { target: join(dir, "out") });
    expect(report.filesWritten).toBe(200);
    expect(store.dataGets()).toBe(1);
    expectSameTree(await tree(join(dir, "out")), files);

    store.gets.length = 0;
    const fresh = await openVault(store, { kms, workers: 0 });
    for (const path of files.keys()) await collect(fresh.readItem(id, path));
    expect(store.dataGets()).toBeGreaterThanOrEqual(200);
  });

  it("restores a folder, a single item, and a list of items", async () => {
    const files = corpus();
    const { vault, id } = await snapshotOf(files);
    const pick = (pred: (p: string) => boolean) => new Map([...files].filter(([p]) => pred(p)));

    expect((await restoreToDirectory(vault, id, { target: join(dir, "folder"), prefix: "/dedup/" })).items).toBe(21);
    expectSameTree(await tree(join(dir, "folder")), pick((p) => p.startsWith("dedup/")));

    await restoreToDirectory(vault, id, { target: join(dir, "item"), prefix: "large/text-3m.txt" });
    expectSameTree(await tree(join(dir, "item")), pick((p) => p === "large/text-3m.txt"));

    await restoreToDirectory(vault, id, { target: join(dir, "list"), items: ["one-byte", "empty/a", "small/3.bin"] });
    expectSameTree(await tree(join(dir, "list")), pick((p) => ["one-byte", "empty/a", "small/3.bin"].includes(p)));

    await expect(restoreToDirectory(vault, id, { target: join(dir, "x"), items: ["nope"] })).rejects.toThrow(/has no item "nope"/);
  });

  it("a flipped byte in a blob fails exactly the items that need it, naming the pack, and leaves no file for them", async () => {
    const files = corpus();
    const { store, vault, id } = await snapshotOf(files);
    const m = await vault.readSnapshot(id);
    await vault.index.refresh(store, vault.keys, m.indexes);
    const blobsOf = (path: string) => m.items.find((i) => i.path === path)?.blobs ?? [];
    // A blob twenty files share, and one in the middle of a large file (written partly before it).
    const text = blobsOf("large/text-3m.txt");
    const victims = [blobsOf("dedup/copy-00.txt")[0] as string, text[Math.floor(text.length / 2)] as string];
    const packKeys: string[] = [];
    for (const victim of victims) {
      const loc = vault.index.get(victim);
      if (!loc) throw new Error("blob not indexed");
      const packKey = `data/${loc.packId.slice(0, 2)}/${loc.packId}`;
      packKeys.push(packKey);
      (store as MemoryObjectStore).tamper(packKey, (b) => {
        const c = b.slice();
        c[loc.entry.offset + 7] = (c[loc.entry.offset + 7] ?? 0) ^ 0x01;
        return c;
      });
    }

    const report = await restoreToDirectory(vault, id, { target: join(dir, "out") });
    const hit = m.items.filter((i) => victims.some((v) => i.blobs.includes(v))).map((i) => i.path);
    expect(hit).toHaveLength(21);
    expect(report.failed.map((f) => f.path)).toEqual(hit);
    for (const f of report.failed) {
      const which = f.path === "large/text-3m.txt" ? 1 : 0;
      expect(f).toMatchObject({ kind: "damaged", object: packKeys[which] });
      expect(f.reason).toContain(`blob ${victims[which]} failed authentication`);
    }
    expect(report.filesWritten).toBe(files.size - hit.length);
    // The others are intact; the damaged ones left nothing, not even a partial.
    expectSameTree(await tree(join(dir, "out")), new Map([...files].filter(([p]) => !hit.includes(p))));
  });

  it("a pack overwritten with junk is restored from its older, locked version", async () => {
    const files = corpus();
    const { store, vault, id } = await snapshotOf(files);
    for (const k of (store as MemoryObjectStore).keys("data/")) await store.put(k, new TextEncoder().encode("ransomware was here"), { retainUntil: inDays(1) });
    const report = await restoreToDirectory(vault, id, { target: join(dir, "out") });
    expect(report.failed).toEqual([]);
    expectSameTree(await tree(join(dir, "out")), files);
  });

  it("refuses item paths that would escape the target, naming them, before writing anything", async () => {
    const files = new Map<string, Uint8Array>([
      ["fine.txt", pseudoText(1, 100)],
      ["../escape.txt", pseudoText(2, 100)],
    ]);
    const { vault, id } = await snapshotOf(files);
    const target = join(dir, "out");
    await expect(restoreToDirectory(vault, id, { target })).rejects.toThrow(UnsafeItemPathError);
    await expect(restoreToDirectory(vault, id, { target })).rejects.toThrow('item path "../escape.txt" would land outside the target directory');
    await expect(readdir(dir)).resolves.toEqual([]);
    // Selecting only safe items works.
    expect((await restoreToDirectory(vault, id, { target, items: ["fine.txt"] })).filesWritten).toBe(1);
  });

  it("never replaces an existing file unless asked, and never writes through a symlinked directory", async () => {
    const files = new Map<string, Uint8Array>([
      ["a.txt", pseudoText(1, 500)],
      ["b.txt", pseudoText(2, 500)],
      ["linked/c.txt", pseudoText(3, 500)],
    ]);
    const { vault, id } = await snapshotOf(files);
    const target = join(dir, "out");
    const outside = join(dir, "outside");
    await mkdir(target);
    await mkdir(outside);
    await writeFile(join(target, "a.txt"), "local change");
    await symlink(outside, join(target, "linked"));

    const first = await restoreToDirectory(vault, id, { target });
    expect(first.failed.map((f) => [f.path, f.kind])).toEqual([
      ["a.txt", "exists"],
      ["linked/c.txt", "io"],
    ]);
    expect(first.failed[1]?.reason).toContain("symbolic link");
    expect(await readFile(join(target, "a.txt"), "utf8")).toBe("local change");
    expect(await readFile(join(target, "b.txt"), "utf8")).toBe(Buffer.from(files.get("b.txt") ?? []).toString());
    await expect(readdir(outside)).resolves.toEqual([]);

    const again = await restoreToDirectory(vault, id, { target, overwrite: true, items: ["a.txt"] });
    expect(again.failed).toEqual([]);
    expect(sameBytes(await readFile(join(target, "a.txt")), files.get("a.txt") ?? new Uint8Array(1))).toBe(true);
  });

  it("a missing pack is damage and a refusing store is unreadable, each naming the pack; the rest restore", async () => {
    const files = corpus();
    const { store, vault, id } = await snapshotOf(files);
    const m = await vault.readSnapshot(id);
    await vault.index.refresh(store, vault.keys, m.indexes);
    const itemsOf = (packId: string) => new Set(m.items.filter((i) => i.blobs.some((b) => vault.index.get(b)?.packId === packId)).map((i) => i.path));
    // Two packs each holding some items the other does not, so both causes must show.
    const only = (a: string, b: string) => [...itemsOf(a)].filter((p) => !itemsOf(b).has(p));
    const pair = m.packs.flatMap((a) => m.packs.map((b) => [a, b] as const)).find(([a, b]) => a !== b && only(a, b).length > 0 && only(b, a).length > 0);
    if (!pair) throw new Error("expected two packs with items of their own");
    const [gone, refused] = pair.map((p) => `data/${p.slice(0, 2)}/${p}`) as [string, string];
    (store as MemoryObjectStore).objects.delete(gone);
    const realGet = store.get.bind(store);
    store.get = (key, range, versionId) =>
      key === refused ? Promise.reject(Object.assign(new Error(`get ${key}: access denied`), { code: "access_denied" })) : realGet(key, range, versionId);
    const seen: RestoreProgress[] = [];
    const report = await restoreToDirectory(vault, id, {
      target: join(dir, "out"),
      onProgress: (p) => {
        seen.push(p);
        throw new Error("a broken progress bar");
      },
    });
    const hit = new Set([...itemsOf(pair[0]), ...itemsOf(pair[1])]);
    expect(report.failed.map((f) => f.path).sort()).toEqual([...hit].sort());
    for (const f of report.failed) {
      const cause = f.object === gone ? "gone" : f.object === refused ? "refused" : "other";
      expect(cause, f.path).not.toBe("other");
      if (only(pair[0], pair[1]).includes(f.path)) expect(f, f.path).toMatchObject({ kind: "damaged", object: gone, reason: expect.stringContaining(`${gone}: missing`) as unknown });
      if (only(pair[1], pair[0]).includes(f.path)) expect(f, f.path).toMatchObject({ kind: "unreadable", object: refused, reason: expect.stringContaining("access denied") as unknown });
    }
    expect(seen).toHaveLength(files.size);
    expectSameTree(await tree(join(dir, "out")), new Map([...files].filter(([p]) => !hit.has(p))));
  });

  it("an item whose blob is in no index fails, naming the snapshot, and the rest restore", async () => {
    const files = new Map<string, Uint8Array>([
      ["a", pseudoRandomBytes(1, 100_000)],
      ["b", pseudoRandomBytes(2, 100_000)],
    ]);
    const { vault, id } = await snapshotOf(files);
    const m = await vault.readSnapshot(id);
    // Simulate an index that lacks b's blob: a manifest that lists an unknown blob for b.
    (m.items[1] as { blobs: string[] }).blobs = ["f".repeat(64)];
    const report = await restoreToDirectory(vault, id, { target: join(dir, "out") });
    expect(report.failed).toEqual([{ path: "b", kind: "damaged", object: `snapshots/${id}`, reason: expect.stringContaining(`blob ${"f".repeat(64)} is in none of the snapshot's indexes`) as unknown }]);
    expectSameTree(await tree(join(dir, "out")), new Map([["a", files.get("a") ?? new Uint8Array(1)]]));
  });
});

