// The issue-3 intruder test on a real vault: the writer's credentials (and the service key, which
// the worker holds too) write a snapshot; then an intruder with those same credentials tries to
// destroy it object by object; then holdfast-restore's reader credentials and the recovery key
// restore every item byte for byte.
import { randomBytes } from "node:crypto";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, LocalKms, openVault } from "../index.js";
import { createTestBucket, type TestBucket } from "./test-bucket.js";
import { sha256Base64 } from "./s3.js";
import type { ObjectVersionInfo } from "./types.js";

const LOCK_MS = 30 * 60_000;
let tb: TestBucket;
let snapshotId: string;
let recoveryKey: string;
let objects: ObjectVersionInfo[] = [];
const items = new Map<string, Buffer>([
  ["mail/inbox/0001.eml", Buffer.from("From: a@example.com\r\nSubject: quarterly numbers\r\n\r\nsee attached\r\n".repeat(50))],
  ["drive/report.bin", randomBytes(3 * 1024 * 1024 + 17)],
  ["drive/empty.txt", Buffer.alloc(0)],
  ["drive/copy-of-report.bin", Buffer.alloc(0)], // filled below: dedups against report.bin
]);
items.set("drive/copy-of-report.bin", items.get("drive/report.bin") ?? Buffer.alloc(0));

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
async function refused(p: Promise<unknown>, codes = [403]): Promise<void> {
  const outcome = await p.then(
    (ok: unknown) => ({ ok }),
    (err: unknown) => ({ err }),
  );
  if ("ok" in outcome) expect.fail(`the intruder's call succeeded: ${JSON.stringify(outcome.ok).slice(0, 200)}`);
  expect(codes, String(outcome.err)).toContain(status(outcome.err));
}

async function restoreAndCompare(): Promise<void> {
  const vault = await openVault(tb.reader, { recoveryKey, workers: 0 });
  try {
    expect((await vault.listSnapshots()).map((s) => s.id)).toContain(snapshotId);
    for (const [path, body] of items) {
      const parts: Uint8Array[] = [];
      for await (const chunk of vault.readItem(snapshotId, path)) parts.push(chunk);
      const restored = Buffer.concat(parts);
      expect(restored.length, path).toBe(body.length);
      expect(restored.equals(body), `${path} differs`).toBe(true);
    }
  } finally {
    await vault.close();
  }
}

async function* chunksOf(buf: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += 64 * 1024) yield await Promise.resolve(buf.subarray(i, i + 64 * 1024));
}

beforeAll(async () => {
  tb = await createTestBucket({ prefix: "intruder-vault" });
  const kms = new LocalKms(randomBytes(32));
  const retainUntil = new Date(Date.now() + LOCK_MS);
  const init = await initVault(tb.writer, { kms, retention: { retainUntil }, workers: 0, indexEveryPacks: 1 });
  recoveryKey = init.recoveryKey;
  try {
    const run = await init.vault.startSnapshot({ source: "google", unit: "alice@example.com", startedAt: new Date(), retainUntil });
    for (const [path, body] of items) await run.putItem(path, chunksOf(body));
    snapshotId = await run.commit();
  } finally {
    await init.vault.close();
  }
  objects = [];
  for await (const v of tb.reader.listVersions("")) if (!v.isDeleteMarker) objects.push(v);
});

afterAll(async () => {
  await tb?.cleanup();
});

describe("a real vault under attack with the writer's credentials", () => {
  it("holds a committed snapshot in locked objects", async () => {
    expect(snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(objects.length).toBeGreaterThanOrEqual(3); // config, pack(s), index, snapshot
    for (const o of objects) {
      const r = await tb.reader.retention(o.key, o.versionId);
      expect(r.mode, o.key).toBe("COMPLIANCE");
      expect(r.retainUntil?.getTime(), o.key).toBeGreaterThan(Date.now() + LOCK_MS / 2);
    }
  });

  it("cannot delete, unlock or shorten any of the vault's objects", async () => {
    const w = tb.clients.writer;
    for (const o of objects) {
      await refused(w.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: o.key })));
      await refused(w.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId, BypassGovernanceRetention: true })));
      await refused(
        w.send(
          new PutObjectRetentionCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(Date.now() + 5_000) } }),
        ),
      );
      await refused(
        w.send(
          new PutObjectRetentionCommand({
            Bucket: tb.bucket,
            Key: o.key,
            VersionId: o.versionId,
            Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 5_000) },
            BypassGovernanceRetention: true,
          }),
        ),
      );
    }
    const batch = await w.send(
      new DeleteObjectsCommand({
        Bucket: tb.bucket,
        Delete: { Objects: objects.flatMap((o) => [{ Key: o.key }, { Key: o.key, VersionId: o.versionId }]) },
        BypassGovernanceRetention: true,
      }),
    );
    expect(batch.Deleted ?? []).toEqual([]);
  });

  it("cannot change the bucket's lock, versioning or policy, or delete it", async () => {
    const w = tb.clients.writer;
    await refused(w.send(new PutObjectLockConfigurationCommand({ Bucket: tb.bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } })));
    await refused(w.send(new PutBucketVersioningCommand({ Bucket: tb.bucket, VersioningConfiguration: { Status: "Suspended" } })));
    await refused(w.send(new PutBucketPolicyCommand({ Bucket: tb.bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) })), [400, 403]);
    await refused(w.send(new DeleteBucketCommand({ Bucket: tb.bucket })));
  });
});

describe("restore with the reader's credentials and the recovery key", () => {
  it("restores every item of the snapshot byte for byte after those attacks", async () => {
    await restoreAndCompare();
  });
});

describe("overwrite: the one write the writer's credentials must keep", () => {
  const forge = async (which: (key: string) => boolean) => {
    const w = tb.clients.writer;
    for (const o of objects.filter((x) => which(x.key))) {
      const garbage = randomBytes(Math.max(64, Math.min(o.size, 4096)));
      await w.send(new PutObjectCommand({ Bucket: tb.bucket, Key: o.key, Body: garbage, ChecksumSHA256: sha256Base64(garbage), ChecksumAlgorithm: "SHA256" }));
      // The forgery is now what a plain GET returns; the original is one listVersions away.
      expect((await tb.reader.head(o.key))?.versionId, o.key).not.toBe(o.versionId);
    }
  };

  it("restores every item byte for byte with every pack, index and snapshot object forged", async () => {
    await forge((key) => key !== "config");
    await restoreAndCompare();
  });

  // The writer key can add config versions; readers use the oldest one their key unwraps.
  it("restores every item byte for byte with the config object forged too", async () => {
    await forge((key) => key === "config");
    await restoreAndCompare();
  });
});
