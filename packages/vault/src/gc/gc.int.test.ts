// Garbage collection on a real Object Lock bucket (the stack's versitygw) with the three
// production identities: short real locks that the test sleeps past, the GC identity deleting,
// the writer identity writing the tombstone, and the server enforcing every lock.
import { randomBytes } from "node:crypto";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectGarbage, initVault, LocalKms, openVault, type Vault } from "../index.js";
import { packKeyFor } from "../pack/format.js";
import { indexKeyFor } from "../repo-index/index-file.js";
import { snapshotKeyFor, type SnapshotManifest } from "../snapshot/manifest.js";
import { S3DeletingObjectStore } from "../store/s3.js";
import { createTestBucket, type TestBucket } from "../store/test-bucket.js";
import { sha256Hex } from "../object-read.js";
import type { ObjectVersionInfo } from "../store/types.js";
import { SMALL_CHUNKER, SMALL_PACK } from "../test-support/fixtures.js";

const SHORT_MS = 5_000;
const LONG_MS = 20 * 60_000;
let tb: TestBucket;
let kms: LocalKms;
let recoveryKey: string;
let a: string;
let b: string;
let ma: SnapshotManifest;
let mb: SnapshotManifest;
let lockedOrphan: string;
const shared = randomBytes(700_000);
const itemsA = new Map([["shared.bin", shared], ["a.bin", randomBytes(1_200_000)]]);
const itemsB = new Map([["shared.bin", shared], ["b.bin", randomBytes(600_000)]]);

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
const keysUnder = async (prefix: string) => {
  const out: string[] = [];
  for await (const o of tb.reader.list(prefix)) out.push(o.key);
  return out.sort();
};
const versions = async (prefix: string) => {
  const out: ObjectVersionInfo[] = [];
  for await (const v of tb.reader.listVersions(prefix)) out.push(v);
  return out;
};
const writerVault = () => openVault(tb.writer, { kms, workers: 0 });

async function snapshot(vault: Vault, unit: string, items: Map<string, Buffer>, retainUntil: Date): Promise<string> {
  const w = await vault.startSnapshot({ source: "google", unit, startedAt: new Date(), retainUntil });
  for (const [path, body] of items) await w.putItem(path, [body]);
  return w.commit();
}

async function expectBRestores(): Promise<void> {
  const v = await openVault(tb.reader, { recoveryKey, workers: 0 });
  try {
    for (const [path, body] of itemsB) {
      const parts: Uint8Array[] = [];
      for await (const c of v.readItem(b, path)) parts.push(c);
      expect(Buffer.concat(parts).equals(body), path).toBe(true);
    }
  } finally {
    await v.close();
  }
}

beforeAll(async () => {
  tb = await createTestBucket({ prefix: "gc" });
  kms = new LocalKms(randomBytes(32));
  const t0 = Date.now();
  const init = await initVault(tb.writer, { kms, retention: { retainUntil: new Date(t0 + SHORT_MS) }, workers: 0, indexEveryPacks: 1, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK });
  recoveryKey = init.recoveryKey;
  try {
    a = await snapshot(init.vault, "alice", itemsA, new Date(t0 + SHORT_MS));
    b = await snapshot(init.vault, "bob", itemsB, new Date(t0 + LONG_MS));
    ma = await init.vault.readSnapshot(a);
    mb = await init.vault.readSnapshot(b);
  } finally {
    await init.vault.close();
  }
  // Unreferenced but locked: GC must leave it alone until its lock passes.
  const junk = randomBytes(2048);
  lockedOrphan = packKeyFor(sha256Hex(junk));
  await tb.writer.put(lockedOrphan, junk, { retainUntil: new Date(t0 + LONG_MS) });
  await sleepUntil(t0 + SHORT_MS + 1_500);
});

afterAll(async () => {
  await tb?.cleanup();
});

describe("GC on a real Object Lock bucket", () => {
  it("the writer identity cannot do what GC does: its deletes are refused, even of expired unreferenced versions", async () => {
    const target = packKeyFor(ma.packs.find((p) => !mb.packs.includes(p)) as string);
    const [version] = (await versions(target)).filter((v) => v.key === target);
    const denied = await tb.clients.writer.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: target, VersionId: version?.versionId })).then(
      () => null,
      (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
    );
    expect(denied).toBe(403);

    const asWriter = new S3DeletingObjectStore({ ...tb.endpoint, bucket: tb.bucket, credentials: tb.identities.writer });
    const v = await writerVault();
    try {
      const r = await collectGarbage(v, asWriter, { graceMs: 0 });
      expect(r.versionsDeleted).toBe(0);
      expect(r.problems.map((p) => p.object)).toEqual([snapshotKeyFor(a)]);
      expect(r.problems[0]?.problem).toMatch(/delete failed, kept: .*access denied/);
    } finally {
      await v.close();
      asWriter.close();
    }
    expect(await keysUnder("snapshots/")).toEqual([a, b].map(snapshotKeyFor).sort());
  });

  it("never deletes a pack without its tombstone: with the GC identity as the writer too, the tombstone PUT is refused and every pack stays", async () => {
    const packs = await keysUnder("data/");
    const v = await openVault(tb.gc, { kms, workers: 0 });
    try {
      const r = await collectGarbage(v, tb.gc, { graceMs: 0 });
      expect(r).toMatchObject({ snapshotsDeleted: 1, packsDeleted: 0, tombstonesWritten: 0 });
      expect(r.problems).toEqual([{ object: expect.stringMatching(/^gc\/[0-9a-f]{64}$/) as unknown, problem: expect.stringMatching(/cannot write the tombstone .*access denied/) as unknown }]);
    } finally {
      await v.close();
    }
    expect(await keysUnder("data/")).toEqual(packs);
    expect(await keysUnder("snapshots/")).toEqual([snapshotKeyFor(b)]);
  });

  it("deletes exactly the expired, unreferenced objects; the surviving snapshot restores byte for byte", async () => {
    const v = await writerVault();
    try {
      const r = await collectGarbage(v, tb.gc, { graceMs: 0, tombstoneLockMs: 2_000 });
      const aOnlyPacks = ma.packs.filter((p) => !mb.packs.includes(p));
      expect(r).toMatchObject({ packsDeleted: aOnlyPacks.length, indexesDeleted: ma.indexes.filter((i) => !mb.indexes.includes(i)).length, tombstonesWritten: 1, problems: [] });
      expect(r.skipped).toEqual([{ object: lockedOrphan, reason: "locked", detail: expect.stringMatching(/^locked until/) as unknown }]);
    } finally {
      await v.close();
    }
    expect(await keysUnder("data/")).toEqual([...mb.packs.map(packKeyFor), lockedOrphan].sort());
    expect(await keysUnder("index/")).toEqual(mb.indexes.map(indexKeyFor).sort());
    expect(await keysUnder("config")).toEqual(["config"]);
    await expectBRestores();
  });

  it("a second run deletes nothing; after the tombstone's lock passes, the tombstone goes too", async () => {
    const v = await writerVault();
    try {
      expect(await collectGarbage(v, tb.gc, { graceMs: 0 })).toMatchObject({ versionsDeleted: 0, tombstonesWritten: 0, problems: [] });
      await sleepUntil(Date.now() + 2_500);
      expect(await collectGarbage(v, tb.gc, { graceMs: 0 })).toMatchObject({ versionsDeleted: 1, tombstonesDeleted: 1, problems: [] });
    } finally {
      await v.close();
    }
    expect(await keysUnder("gc/")).toEqual([]);
    await expectBRestores();
  });

  it("with a clock a year fast, the server refuses every locked delete and GC reports each one", async () => {
    const before = await versions("");
    const v = await writerVault();
    try {
      const r = await collectGarbage(v, tb.gc, { graceMs: 0, now: () => new Date(Date.now() + 365 * 86_400_000) });
      expect(r).toMatchObject({ snapshotsDeleted: 0, packsDeleted: 0, indexesDeleted: 0, versionsDeleted: 0, liveSnapshots: 1, problems: [] });
      expect(r.skipped.filter((s) => s.detail.startsWith("the server refused")).map((s) => s.object)).toEqual([lockedOrphan, snapshotKeyFor(b)].sort());
    } finally {
      await v.close();
    }
    const after = await versions("");
    const real = (l: typeof before) => l.filter((x) => !x.key.startsWith("gc/")).map((x) => `${x.key}@${x.versionId}`).sort();
    expect(real(after)).toEqual(real(before));
    await expectBRestores();
  });
});
