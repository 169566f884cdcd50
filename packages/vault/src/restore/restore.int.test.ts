// Restore by pack against the real local S3 server (versitygw, Object Lock): byte identity, the
// number of GETs, selection, and an overwritten pack (a new, tampered version over the locked one).
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalKms } from "../crypto/kms";
import type { ObjectStore } from "../store/types";
import { createTestBucket, pseudoRandomBytes, streamOf, type TestBucket } from "../testing";
import { inDays, pseudoText, sameBytes } from "../test-support/fixtures";
import { initVault, openVault } from "../vault";
import { restoreToDirectory } from "./restore";

let tb: TestBucket;
let dir: string;
let snapshotId: string;
const kms = new LocalKms(randomBytes(32));
const files = new Map<string, Uint8Array>();

function counting(store: ObjectStore): ObjectStore & { dataGets: number } {
  const c = Object.create(store) as ObjectStore & { dataGets: number };
  c.dataGets = 0;
  c.get = (key, range, versionId) => {
    if (key.startsWith("data/")) c.dataGets++;
    return store.get(key, range, versionId);
  };
  return c;
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

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-restore-int-"));
  tb = await createTestBucket({ prefix: "restore", identities: false });
  // 2 MiB packs: a modest corpus still spans many packs.
  const { vault } = await initVault(tb.writer, { kms, retention: { days: 1 }, packTargetSize: 2 * 1024 * 1024 });
  const shared = pseudoText(1, 40_000);
  for (let i = 0; i < 300; i++) files.set(`mail/${String(i).padStart(4, "0")}.eml`, i % 10 === 0 ? shared : pseudoText(100 + i, 500 + ((i * 7919) % 30_000)));
  files.set("empty", new Uint8Array(0));
  files.set("files/random-9m.bin", pseudoRandomBytes(2, 9 * 1024 * 1024 + 5));
  files.set("files/text-6m.txt", pseudoText(3, 6 * 1024 * 1024));
  const block = pseudoRandomBytes(4, 1_500_000);
  const twice = new Uint8Array(block.length * 2);
  twice.set(block, 0);
  twice.set(block, block.length);
  files.set("files/twice.bin", twice);
  const w = await vault.startSnapshot({ source: "int", unit: "restore", startedAt: new Date(), retainUntil: inDays(1) });
  for (const [path, data] of files) await w.putItem(path, streamOf(data, 256 * 1024));
  snapshotId = await w.commit();
  await vault.close();
}, 300_000);

afterAll(async () => {
  await tb?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("restore by pack on versitygw", () => {
  it("restores every item byte for byte with about one GET per pack", async () => {
    const store = counting(tb.reader);
    const vault = await openVault(store, { kms, workers: 0 });
    const m = await vault.readSnapshot(snapshotId);
    expect(m.packs.length).toBeGreaterThanOrEqual(4);
    const report = await restoreToDirectory(vault, snapshotId, { target: join(dir, "all") });
    expect(report.failed).toEqual([]);
    expect(report.filesWritten).toBe(files.size);
    expectSameTree(await tree(join(dir, "all")), files);
    expect(store.dataGets).toBe(report.ranges);
    expect(store.dataGets).toBeLessThanOrEqual(m.packs.length * 2);
    expect(store.dataGets).toBeLessThan(m.items.reduce((n, i) => n + i.blobs.length, 0) / 10);
  });

  it("restores a folder and a single item", async () => {
    const vault = await openVault(tb.reader, { kms, workers: 0 });
    await restoreToDirectory(vault, snapshotId, { target: join(dir, "files"), prefix: "files" });
    expectSameTree(await tree(join(dir, "files")), new Map([...files].filter(([p]) => p.startsWith("files/"))));
    await restoreToDirectory(vault, snapshotId, { target: join(dir, "one"), items: ["mail/0007.eml"] });
    expectSameTree(await tree(join(dir, "one")), new Map([["mail/0007.eml", files.get("mail/0007.eml") ?? new Uint8Array(1)]]));
  });

  it("uses the older, locked version of a pack overwritten with a tampered copy or with junk", async () => {
    const keys: string[] = [];
    for await (const o of tb.writer.list("data/")) keys.push(o.key);
    const [first, second] = keys;
    if (!first || !second) throw new Error("expected several packs");
    // A copy with one flipped byte mid-pack (header and table intact) and plain junk.
    const copy = (await tb.writer.get(first)).slice();
    copy[Math.floor(copy.length / 2)] = (copy[Math.floor(copy.length / 2)] ?? 0) ^ 0x01;
    await tb.writer.put(first, copy, { retainUntil: inDays(1) });
    await tb.writer.put(second, new TextEncoder().encode("overwritten by an intruder"), { retainUntil: inDays(1) });

    const vault = await openVault(tb.reader, { kms, workers: 0 });
    const report = await restoreToDirectory(vault, snapshotId, { target: join(dir, "after-overwrite") });
    expect(report.failed).toEqual([]);
    expectSameTree(await tree(join(dir, "after-overwrite")), files);
  });
});
