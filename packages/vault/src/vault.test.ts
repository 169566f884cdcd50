import { describe, expect, it } from "vitest";
import { initVault, openVault } from "./vault";
import { MemoryObjectStore, collect, pseudoRandomBytes, streamOf } from "./testing";
import { SMALL_CHUNKER, SMALL_PACK, inDays, newKms, pseudoText, sameBytes } from "./test-support/fixtures";
import { VaultExistsError, VaultFormatError, VaultIntegrityError, VaultKeyError, VaultNotFoundError } from "./errors";
import { Readable } from "node:stream";
import { Codec } from "./compress";
import { sealObject } from "./sealed";
import { sha256Hex } from "./object-read";
import type { Kms } from "./crypto/kms";

async function setup(opts: { workers?: number; indexEveryPacks?: number } = {}) {
  const store = new MemoryObjectStore();
  const kms = newKms();
  const { vault, recoveryKey } = await initVault(store, {
    kms,
    retention: { days: 1 },
    chunker: SMALL_CHUNKER,
    packTargetSize: SMALL_PACK,
    workers: opts.workers ?? 0,
    indexEveryPacks: opts.indexEveryPacks ?? 8,
  });
  return { store, kms, vault, recoveryKey };
}

const run = (unit = "u1", days = 30) => ({ source: "src-1", unit, startedAt: new Date(), retainUntil: inDays(days) });

describe("vault round trip", () => {
  it("restores random binary and text items of many sizes byte for byte, across reopen", async () => {
    const { store, kms, vault, recoveryKey } = await setup({ workers: 2 });
    const sizes = [0, 1, 100, 16 * 1024 - 1, 16 * 1024, 70_000, 300_000, 1_000_000, 2_500_000];
    const items = new Map<string, Uint8Array>();
    sizes.forEach((n, i) => {
      items.set(`bin/${i}-${n}`, pseudoRandomBytes(i + 1, n));
      items.set(`txt/${i}-${n}.txt`, pseudoText(i + 1, n));
    });
    const w = await vault.startSnapshot(run());
    for (const [path, data] of items) await w.putItem(path, streamOf(data, 1 + ((data.length * 7) % 65536)), { n: data.length });
    const id = await w.commit();
    await vault.close();

    for (const unlock of [{ kms }, { recoveryKey }]) {
      const v = await openVault(store, { ...unlock, workers: 0 });
      const m = await v.readSnapshot(id);
      expect(m.items.map((i) => i.path)).toEqual([...items.keys()].sort());
      for (const [path, data] of items) expect(sameBytes(await collect(v.readItem(id, path)), data)).toBe(true);
      expect(m.items.find((i) => i.path === "txt/8-2500000.txt")?.meta).toEqual({ n: 2_500_000 });
    }
    // text compressed, random did not
    expect(store.totalBytes("data/")).toBeLessThan(sizes.reduce((a, b) => a + b, 0) * 1.5);
  });

  it("property: random item sets (log-uniform sizes up to 8 MiB, binary/text/repetitive) round-trip", async () => {
    for (const seed of [101, 202, 303]) {
      const rnd = pseudoRandomBytes(seed, 4096);
      let r = 0;
      const next = () => (rnd[r++ % rnd.length] ?? 0) / 256;
      const { store, kms, vault } = await setup({ workers: 1 });
      const items = new Map<string, Uint8Array>();
      for (let i = 0; i < 12; i++) {
        const size = next() < 0.1 ? 0 : Math.floor(2 ** (next() * 23));
        const kind = next();
        const data = kind < 0.4 ? pseudoRandomBytes(seed * 100 + i, size) : kind < 0.8 ? pseudoText(seed * 100 + i, size) : new Uint8Array(size).fill(i);
        items.set(`p${seed}/${i}`, data);
      }
      const w = await vault.startSnapshot(run());
      for (const [path, data] of items) await w.putItem(path, streamOf(data, 1 + Math.floor(next() * 200_000)));
      const id = await w.commit();
      await vault.close();
      const v = await openVault(store, { kms, workers: 0 });
      for (const [path, data] of items) expect(sameBytes(await collect(v.readItem(id, path)), data), `seed ${seed} ${path} (${data.length} B)`).toBe(true);
    }
  });

  it("deduplicates: a second snapshot of the same data uploads no new packs", async () => {
    const { store, vault } = await setup();
    const data = pseudoRandomBytes(3, 3_000_000);
    const w1 = await vault.startSnapshot(run());
    await w1.putItem("a", streamOf(data));
    await w1.putItem("a-copy", streamOf(data));
    await w1.commit();
    expect(w1.stats.dedupedBlobs).toBeGreaterThan(10);
    const packsAfter1 = store.keys("data/").length;
    const bytesAfter1 = store.totalBytes("data/");

    const w2 = await vault.startSnapshot(run());
    await w2.putItem("a", streamOf(data, 5000));
    const id2 = await w2.commit();
    expect(store.keys("data/").length).toBe(packsAfter1);
    expect(store.totalBytes("data/")).toBe(bytesAfter1);
    expect(w2.stats.newBlobs).toBe(0);
    expect(sameBytes(await collect(vault.readItem(id2, "a")), data)).toBe(true);
    await vault.close();
  });

  it("lists snapshots with their summaries", async () => {
    const { vault } = await setup();
    const w = await vault.startSnapshot(run("mailbox-7"));
    await w.putItem("x", streamOf(pseudoText(1, 1000)));
    const id = await w.commit();
    const list = await vault.listSnapshots();
    expect(list).toMatchObject([{ id, source: "src-1", unit: "mailbox-7", itemCount: 1, totalSize: 1000 }]);
  });

  it("of two racing inits exactly one wins, and every reader opens the winner", async () => {
    const store = new MemoryObjectStore();
    const kms = newKms();
    const results = await Promise.allSettled([0, 1].map(() => initVault(store, { kms, retention: { days: 1 }, workers: 0 })));
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")?.reason).toBeInstanceOf(VaultExistsError);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof initVault>>>).value;
    expect((await openVault(store, { kms, workers: 0 })).vaultId).toBe(winner.vault.vaultId);
    expect((await openVault(store, { recoveryKey: winner.recoveryKey, workers: 0 })).vaultId).toBe(winner.vault.vaultId);
  });

  it("refuses a second init and duplicate item paths", async () => {
    const { store, vault } = await setup();
    await expect(initVault(store, { kms: newKms(), retention: { days: 1 } })).rejects.toThrow(VaultExistsError);
    const w = await vault.startSnapshot(run());
    await w.putItem("same", streamOf(new Uint8Array(3)));
    await expect(w.putItem("same", streamOf(new Uint8Array(3)))).rejects.toThrow(/already added/);
  });

  it("seals identically on worker threads and inline, for each codec", async () => {
    for (const codec of [Codec.none, Codec.brotli, Codec.zstd]) {
      const store = new MemoryObjectStore();
      const kms = newKms();
      const { vault } = await initVault(store, { kms, retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 1, codec });
      const data = pseudoText(9, 600_000);
      const w = await vault.startSnapshot(run());
      await w.putItem("t", streamOf(data));
      const id = await w.commit();
      await vault.close();
      const inline = await openVault(store, { kms, workers: 0 });
      expect(sameBytes(await collect(inline.readItem(id, "t")), data)).toBe(true);
    }
  });
});

describe("api details", () => {
  it("accepts Node Readables and arrays, streams items back as a Readable, lists folders", async () => {
    const { vault } = await setup();
    const data = pseudoText(40, 300_000);
    const w = await vault.startSnapshot(run());
    await w.putItem("docs/a.txt", Readable.from([Buffer.from(data.subarray(0, 1000)), Buffer.from(data.subarray(1000))]));
    await w.putItem("docs/sub/b.txt", [data]);
    await w.putItem("docsx/c.txt", [data]);
    const id = await w.commit();
    const chunks: Buffer[] = [];
    for await (const c of vault.readItemStream(id, "docs/a.txt")) chunks.push(c as Buffer);
    expect(sameBytes(Buffer.concat(chunks), data)).toBe(true);
    expect((await vault.listItems(id, "docs")).map((i) => i.path)).toEqual(["docs/a.txt", "docs/sub/b.txt"]);
    await expect(collect(vault.readItem(id, "nope"))).rejects.toThrow(/has no item nope/);
    await expect(vault.readSnapshot("zz")).rejects.toThrow(/not a snapshot id/);
    await vault.close();
  });

  it("opening an empty bucket says there is no vault", async () => {
    await expect(openVault(new MemoryObjectStore(), { kms: newKms() })).rejects.toThrow(VaultNotFoundError);
  });

  it("a failing source aborts only that item; the writer stays usable", async () => {
    const { vault } = await setup();
    const w = await vault.startSnapshot(run());
    async function* broken() {
      yield pseudoRandomBytes(1, 100_000);
      await Promise.resolve();
      throw new Error("provider hung up");
    }
    await expect(w.putItem("bad", broken())).rejects.toThrow(/provider hung up/);
    const data = pseudoRandomBytes(2, 50_000);
    await w.putItem("good", [data]);
    const id = await w.commit();
    expect((await vault.readSnapshot(id)).items.map((i) => i.path)).toEqual(["good"]);
    expect(sameBytes(await collect(vault.readItem(id, "good")), data)).toBe(true);
  });
});

describe("retention", () => {
  it("locks new objects until the snapshot's retain-until and extends older packs it references", async () => {
    const { store, vault } = await setup();
    const data = pseudoRandomBytes(5, 1_000_000);
    const w1 = await vault.startSnapshot(run("u", 10));
    await w1.putItem("a", streamOf(data));
    await w1.commit();
    for (const k of store.keys("data/")) expect((await store.head(k))?.retainUntil?.getTime()).toBeLessThan(inDays(11).getTime());
    const w2 = await vault.startSnapshot(run("u", 100));
    await w2.putItem("a", streamOf(data));
    const id2 = await w2.commit();
    const until = new Date((await vault.readSnapshot(id2)).retainUntil).getTime();
    for (const k of [...store.keys("data/"), ...store.keys("index/"), "config", `snapshots/${id2}`]) {
      expect((await store.head(k))?.retainUntil?.getTime()).toBeGreaterThanOrEqual(until);
    }
  });
});

describe("retention after an overwrite", () => {
  it("raises every version of an overwritten pack, so the authentic one stays locked", async () => {
    const { store, vault } = await setup();
    const data = pseudoRandomBytes(6, 600_000);
    const w1 = await vault.startSnapshot(run("u", 10));
    await w1.putItem("a", streamOf(data));
    await w1.commit();
    const pack = store.keys("data/")[0] as string;
    const original = store.objects.get(pack)?.[0];
    await store.put(pack, new Uint8Array([1, 2, 3]), { retainUntil: inDays(1) });
    const w2 = await vault.startSnapshot(run("u", 100));
    await w2.putItem("a", streamOf(data));
    await w2.commit();
    expect(original?.retainUntil.getTime()).toBeGreaterThanOrEqual(inDays(99).getTime());
  });
});

describe("keys", () => {
  it("a wrong KEK or wrong recovery key fails clearly", async () => {
    const { store } = await setup();
    await expect(openVault(store, { kms: newKms() })).rejects.toThrow(VaultKeyError);
    await expect(openVault(store, { kms: newKms() })).rejects.toThrow(/wrong key: the KMS key local:/);
    const { recoveryKey: other } = await initVault(new MemoryObjectStore(), { kms: newKms(), retention: { days: 1 }, workers: 0 });
    await expect(openVault(store, { recoveryKey: other })).rejects.toThrow(/wrong key: the recovery key/);
  });

  it("a KMS that throws is a wrong key too", async () => {
    const { store } = await setup();
    const broken: Kms = { keyId: "broken", wrap: () => Promise.reject(new Error("x")), unwrap: () => Promise.reject(new Error("denied")) };
    await expect(openVault(store, { kms: broken })).rejects.toThrow(VaultKeyError);
  });
});

describe("damage is detected, never returned as data", () => {
  async function oneSnapshot() {
    const s = await setup();
    const data = pseudoRandomBytes(11, 1_200_000);
    const w = await s.vault.startSnapshot(run());
    await w.putItem("f", streamOf(data));
    const id = await w.commit();
    await s.vault.close();
    const fresh = () => openVault(s.store, { kms: s.kms, workers: 0 });
    return { ...s, data, id, fresh };
  }
  const flip = (at: (n: number) => number) => (b: Uint8Array) => {
    const c = b.slice();
    const i = at(c.length);
    c[i] = (c[i] ?? 0) ^ 0x40;
    return c;
  };

  it("a flipped byte in a pack names the pack", async () => {
    const { store, id, fresh } = await oneSnapshot();
    const pack = store.keys("data/")[0] as string;
    store.tamper(pack, flip((n) => Math.floor(n / 2)));
    const v = await fresh();
    await expect(collect(v.readItem(id, "f"))).rejects.toThrow(VaultIntegrityError);
    await expect(collect(v.readItem(id, "f"))).rejects.toThrow(/data\/[0-9a-f]{2}\/[0-9a-f]{64}: blob [0-9a-f]{64} failed authentication/);
  });

  it("a truncated pack names the pack", async () => {
    const { store, id, fresh } = await oneSnapshot();
    for (const pack of store.keys("data/")) store.tamper(pack, (b) => b.slice(0, b.length - 1000));
    const v = await fresh();
    await expect(collect(v.readItem(id, "f"))).rejects.toThrow(/data\/.*(truncated|failed authentication)/);
  });

  it("a flipped byte in an index or snapshot names the object", async () => {
    const { store, id, fresh } = await oneSnapshot();
    store.tamper(`snapshots/${id}`, flip((n) => n - 5));
    await expect((await fresh()).readSnapshot(id)).rejects.toThrow(new RegExp(`snapshots/${id}: content does not match`));
    const idx = store.keys("index/")[0] as string;
    store.tamper(idx, flip((n) => n - 5));
    const v = await fresh();
    await expect(v.startSnapshot(run())).rejects.toThrow(new RegExp(`${idx}: content does not match`));
  });

  it("an overwritten object is detected and the older locked version is used", async () => {
    const { store, data, id, fresh } = await oneSnapshot();
    for (const k of [...store.keys("data/"), ...store.keys("index/"), `snapshots/${id}`]) {
      await store.put(k, new TextEncoder().encode("ransomware was here"), { retainUntil: inDays(1) });
    }
    const v = await fresh();
    expect(sameBytes(await collect(v.readItem(id, "f")), data)).toBe(true);
  });

  it("an unknown formatVersion is refused with the version named", async () => {
    const { store, kms } = await oneSnapshot();
    const cfg = JSON.parse(Buffer.from(await store.get("config")).toString()) as Record<string, unknown>;
    // A vault written by a newer format: this reader must refuse it, naming the version.
    const newer = new MemoryObjectStore();
    await newer.put("config", Buffer.from(JSON.stringify({ ...cfg, formatVersion: 2 })), { retainUntil: inDays(1) });
    await expect(openVault(newer, { kms })).rejects.toThrow(VaultFormatError);
    await expect(openVault(newer, { kms })).rejects.toThrow("config: unsupported format version 2 (this reader understands 1)");
    // A later version added on top of the original (a writer-key intruder) cannot lock readers out.
    await store.put("config", Buffer.from(JSON.stringify({ ...cfg, formatVersion: 2 })), { retainUntil: inDays(1) });
    await store.put("config", Buffer.from("garbage"), { retainUntil: inDays(1) });
    await expect(openVault(store, { kms })).resolves.toBeDefined();
  });

  it("a snapshot manifest or index object of an unknown version is refused with the version named", async () => {
    const { store, vault } = await setup();
    const manifest = sealObject(vault.keys, "snapshot", new TextEncoder().encode(JSON.stringify({ formatVersion: 2, items: [] })));
    const mid = sha256Hex(manifest);
    await store.put(`snapshots/${mid}`, manifest, { retainUntil: inDays(1) });
    await expect(vault.readSnapshot(mid)).rejects.toThrow(`snapshots/${mid}: unsupported format version 2 (this reader understands 1)`);
    const index = sealObject(vault.keys, "index", new Uint8Array([1, 0, 0, 0, 0]));
    index[4] = 3;
    const iid = sha256Hex(index);
    await store.put(`index/${iid}`, index, { retainUntil: inDays(1) });
    await expect(vault.startSnapshot(run())).rejects.toThrow(`index/${iid}: unsupported format version 3`);
  });

  it("a pack of an unknown version is refused with the version named", async () => {
    const { store, id, fresh } = await oneSnapshot();
    for (const pack of store.keys("data/")) store.tamper(pack, (b) => { const c = b.slice(); c[4] = 9; return c; });
    await expect(collect((await fresh()).readItem(id, "f"))).rejects.toThrow(/unsupported format version 9/);
  });
});

describe("incremental runs: carrying items over from a parent snapshot", () => {
  /** Counts reads of pack data, to show that carrying over reads nothing. */
  function countingStore() {
    const store = new MemoryObjectStore();
    const counts = { dataGets: 0 };
    const get = store.get.bind(store);
    store.get = (key, range, versionId) => {
      if (key.startsWith("data/")) counts.dataGets++;
      return get(key, range, versionId);
    };
    return { store, counts };
  }

  it("re-adds unchanged items unread; they restore byte for byte, and their packs stay locked", async () => {
    const { store, counts } = countingStore();
    const kms = newKms();
    const { vault } = await initVault(store, { kms, retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 0 });
    const a = pseudoRandomBytes(61, 700_000);
    const b = pseudoText(62, 300_000);
    const c = pseudoText(63, 90_000);
    const w1 = await vault.startSnapshot(run("u", 10));
    await w1.putItem("a", a, { v: 1 });
    await w1.putItem("b", streamOf(b), { v: 1 });
    await w1.putItem("c", [c], { v: 1 });
    const parent = await w1.commit();
    await vault.close();

    const v2 = await openVault(store, { kms, workers: 0 });
    counts.dataGets = 0;
    const w2 = await v2.startSnapshot({ ...run("u", 100), parent });
    expect(w2.parentItem("a")).toMatchObject({ path: "a", size: a.length, meta: { v: 1 } });
    expect(w2.parentItem("nope")).toBeUndefined();
    const ref = w2.carryOver("a");
    expect(ref).toMatchObject({ path: "a", size: a.length });
    w2.carryOver("b", { v: 2 });
    const c2 = pseudoText(64, 95_000);
    await w2.putItem("c", c2, { v: 2 });
    const id = await w2.commit();
    expect(counts.dataGets).toBe(0);
    expect(w2.stats).toMatchObject({ carriedItems: 2, carriedBytes: a.length + b.length, bytesIn: c2.length });

    const m = await v2.readSnapshot(id);
    expect(m.items.map((i) => [i.path, i.meta])).toEqual([["a", { v: 1 }], ["b", { v: 2 }], ["c", { v: 2 }]]);
    const fresh = await openVault(store, { kms, workers: 0 });
    for (const [path, data] of [["a", a], ["b", b], ["c", c2]] as const) expect(sameBytes(await collect(fresh.readItem(id, path)), data)).toBe(true);
    // The parent's packs now back the new snapshot too: locked until its retain-until.
    const until = new Date(m.retainUntil).getTime();
    for (const p of m.packs) expect((await store.head(`data/${p.slice(0, 2)}/${p}`))?.retainUntil?.getTime()).toBeGreaterThanOrEqual(until);
    expect(m.packs.length).toBeGreaterThan(0);
  });

  it("refuses what it cannot carry over, naming the item, and leaves the path free", async () => {
    const { vault } = await setup();
    const w1 = await vault.startSnapshot(run());
    await w1.putItem("x", pseudoText(70, 1000));
    const parent = await w1.commit();
    const noParent = await vault.startSnapshot(run());
    expect(() => noParent.carryOver("x")).toThrow(/needs a parent snapshot/);
    const w = await vault.startSnapshot({ ...run(), parent });
    expect(() => w.carryOver("y")).toThrow(`parent snapshot ${parent} has no item y`);
    w.carryOver("x");
    expect(() => w.carryOver("x")).toThrow(/already added/);
    await expect(w.putItem("x", pseudoText(71, 10))).rejects.toThrow(/already added/);
    await w.commit();
    expect(() => w.carryOver("x")).toThrow(/writer is committed/);

    // A moved item is carried under its new path, and the old path is free for another item.
    const moved = await vault.startSnapshot({ ...run(), parent });
    expect(moved.carryOver("x", { moved: true }, "folder/x")).toMatchObject({ path: "folder/x", size: 1000 });
    expect(() => moved.carryOver("x", undefined, "folder/x")).toThrow(/already added/);
    await moved.putItem("x", pseudoText(72, 10));
    const movedId = await moved.commit();
    const m = await vault.readSnapshot(movedId);
    expect(m.items.map((i) => [i.path, i.size, i.meta])).toEqual([["folder/x", 1000, { moved: true }], ["x", 10, {}]]);
    expect(sameBytes(await collect(vault.readItem(movedId, "folder/x")), pseudoText(70, 1000))).toBe(true);

    const late = await vault.startSnapshot(run());
    expect(() => late.setMeta("nope", {})).toThrow(/was not added/);
    await late.putItem("y", pseudoText(73, 10), { sha: null });
    late.setMeta("y", { sha: "known now" });
    expect((await vault.readSnapshot(await late.commit())).items[0]?.meta).toEqual({ sha: "known now" });
    await expect(vault.startSnapshot({ ...run(), parent: "ab".repeat(32) })).rejects.toThrow(/snapshots\/abab/);
  });

  it("fails clearly when the parent lists a blob no index holds (the item must be put again)", async () => {
    const { store, vault } = await setup();
    const ghost = "cd".repeat(32);
    const manifest = {
      formatVersion: 1,
      vaultId: vault.vaultId,
      source: "src-1",
      unit: "u1",
      startedAt: new Date().toISOString(),
      committedAt: new Date().toISOString(),
      retainUntil: inDays(1).toISOString(),
      items: [{ path: "lost", size: 5, meta: {}, blobs: [ghost] }],
      packs: [],
      indexes: [],
    };
    const bytes = sealObject(vault.keys, "snapshot", new TextEncoder().encode(JSON.stringify(manifest)));
    const parent = sha256Hex(bytes);
    await store.put(`snapshots/${parent}`, bytes, { retainUntil: inDays(1) });
    const w = await vault.startSnapshot({ ...run(), parent });
    expect(() => w.carryOver("lost")).toThrow(`item lost of parent snapshot ${parent}: blob ${ghost} is in none of the vault's indexes; put the item again`);
    // The path is still free for the caller's fallback.
    await w.putItem("lost", pseudoText(72, 5));
    const id = await w.commit();
    expect((await vault.readSnapshot(id)).items.map((i) => i.path)).toEqual(["lost"]);
  });

  it("addItemRef reloads the index only when a blob is missing from it", async () => {
    const { store, kms, vault } = await setup();
    const w = await vault.startSnapshot(run());
    const refs = [];
    for (let i = 0; i < 5; i++) refs.push(await w.putItem(`i${i}`, pseudoText(80 + i, 40_000)));
    await w.checkpoint();
    const v2 = await openVault(store, { kms, workers: 0 });
    const w2 = await v2.startSnapshot(run());
    let lists = 0;
    const list = store.list.bind(store);
    store.list = (prefix) => {
      if (prefix === "index/") lists++;
      return list(prefix);
    };
    for (const ref of refs) await w2.addItemRef(ref);
    expect(lists).toBe(0);
    await expect(w2.addItemRef({ path: "ghost", size: 1, blobs: ["ab".repeat(32)] })).rejects.toThrow(/is not stored in this vault/);
    expect(lists).toBe(1);
    await w2.putItem("ghost", pseudoText(90, 10));
    await w2.commit();
  });
});

describe("commit protocol and concurrency", () => {
  it("a crash before commit leaves no snapshot; the next run reuses the uploaded packs", async () => {
    const { store, kms, vault } = await setup({ indexEveryPacks: 1 });
    const data = pseudoRandomBytes(21, 3_000_000);
    const w = await vault.startSnapshot(run());
    await w.putItem("big", streamOf(data));
    // "crash": the writer is dropped without commit; wait for uploads in flight to land.
    await new Promise((r) => setTimeout(r, 50));
    await vault.close();
    const packsBefore = store.keys("data/").length;
    expect(packsBefore).toBeGreaterThan(2);
    expect(store.keys("snapshots/")).toEqual([]);

    const v2 = await openVault(store, { kms, workers: 0 });
    expect(await v2.listSnapshots()).toEqual([]);
    const w2 = await v2.startSnapshot(run());
    await w2.putItem("big", streamOf(data));
    const id = await w2.commit();
    expect(w2.stats.dedupedBlobs).toBeGreaterThan(0);
    // at most the unindexed tail (the pack that was open at the crash) is uploaded again
    expect(store.keys("data/").length - packsBefore).toBeLessThanOrEqual(2);
    expect(sameBytes(await collect(v2.readItem(id, "big")), data)).toBe(true);
  });

  it("checkpoint + addItemRef: a retried run re-adds stored items without re-reading or re-uploading", async () => {
    const { store, kms, vault } = await setup();
    const a = pseudoRandomBytes(41, 1_000_000);
    const b = pseudoText(42, 700_000);
    const w = await vault.startSnapshot(run());
    const refA = await w.putItem("a", streamOf(a));
    await w.checkpoint();
    await vault.close(); // crash after the checkpoint: the caller persisted refA
    const bytesBefore = store.totalBytes("data/");

    const v2 = await openVault(store, { kms, workers: 0 });
    const w2 = await v2.startSnapshot(run());
    await w2.addItemRef(JSON.parse(JSON.stringify(refA)) as typeof refA, { restored: true });
    await w2.putItem("b", streamOf(b));
    const id = await w2.commit();
    expect(sameBytes(await collect(v2.readItem(id, "a")), a)).toBe(true);
    expect(sameBytes(await collect(v2.readItem(id, "b")), b)).toBe(true);
    expect(store.totalBytes("data/") - bytesBefore).toBeLessThan(b.length);
    const w3 = await v2.startSnapshot(run());
    await expect(w3.addItemRef({ path: "ghost", size: 1, blobs: ["ab".repeat(32)] })).rejects.toThrow(/is not stored in this vault/);
  });

  it("abort writes no snapshot but indexes what it stored", async () => {
    const { store, vault } = await setup();
    const data = pseudoRandomBytes(22, 1_500_000);
    const w = await vault.startSnapshot(run());
    await w.putItem("x", streamOf(data));
    await w.abort();
    expect(store.keys("snapshots/")).toEqual([]);
    const w2 = await vault.startSnapshot(run());
    await w2.putItem("x", streamOf(data));
    await w2.commit();
    expect(w2.stats.newBlobs).toBe(0);
  });

  it("two writers on two vault handles commit concurrently without a lock", async () => {
    const { store, kms } = await setup();
    const [a, b] = await Promise.all([openVault(store, { kms, workers: 0 }), openVault(store, { kms, workers: 0 })]);
    const shared = pseudoRandomBytes(31, 800_000);
    const da = pseudoRandomBytes(32, 900_000);
    const db = pseudoText(33, 900_000);
    const [wa, wb] = await Promise.all([a.startSnapshot(run("ua")), b.startSnapshot(run("ub"))]);
    const [ida, idb] = await Promise.all([
      (async () => { await wa.putItem("shared", streamOf(shared)); await wa.putItem("own", streamOf(da)); return wa.commit(); })(),
      (async () => { await wb.putItem("shared", streamOf(shared)); await wb.putItem("own", streamOf(db)); return wb.commit(); })(),
    ]);
    const c = await openVault(store, { kms, workers: 0 });
    expect((await c.listSnapshots()).map((s) => s.unit).sort()).toEqual(["ua", "ub"]);
    expect(sameBytes(await collect(c.readItem(ida, "own")), da)).toBe(true);
    expect(sameBytes(await collect(c.readItem(idb, "own")), db)).toBe(true);
    expect(sameBytes(await collect(c.readItem(ida, "shared")), shared)).toBe(true);
    expect(sameBytes(await collect(c.readItem(idb, "shared")), shared)).toBe(true);
  });
});
