// The Code Spaces defence (ARCHITECTURE.md principle 3), tried for real on the stack's versitygw:
// an intruder holding the backup writer's credentials — or the restore reader's — tries every way
// to destroy or shorten the life of what the vault holds. Each attempt must be refused, or be
// provably harmless (the original version intact, still locked, readable by its version id).
import { randomBytes } from "node:crypto";
import {
  CopyObjectCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  PutBucketAclCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBucket, type TestBucket } from "./test-bucket.js";
import { VersityAdmin, VersityAdminError } from "../provision/versity-admin.js";
import { isStoreError } from "./errors.js";
import { sha256Base64 } from "./s3.js";

const LOCK_MS = 30 * 60_000;
const LIFECYCLE_REFUSALS = [403, 501];
let tb: TestBucket;
let originals: { key: string; body: Uint8Array; versionId: string; retainUntil: Date }[] = [];

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The call must fail with one of `codes` (403 unless said otherwise); a success is a breach. */
async function refused(p: Promise<unknown>, codes: number[] = [403]): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await p;
  } catch (err) {
    expect(codes, `refused with ${status(err)}: ${(err as Error).message}`).toContain(status(err));
    return;
  }
  expect.fail(`the intruder's call succeeded: ${JSON.stringify(outcome).slice(0, 300)}`);
}

const later = (ms: number) => new Date(Date.now() + ms);
const bytesOf = async (s3: S3Client, key: string, versionId: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket: tb.bucket, Key: key, VersionId: versionId }));
  return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array(0));
};

/** Every way we know to destroy, hide, unlock or shorten what the vault holds, as one identity. */
function attacks(who: () => S3Client): [string, () => Promise<void>][] {
  const Bucket = () => tb.bucket;
  const target = () => {
    const o = originals[0];
    if (!o) throw new Error("no originals");
    return o;
  };
  return [
    ["DeleteObject (no version id: a delete marker)", () => refused(who().send(new DeleteObjectCommand({ Bucket: Bucket(), Key: target().key })))],
    ["DeleteObject of the locked version", () => refused(who().send(new DeleteObjectCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId })))],
    [
      "DeleteObject of the locked version with BypassGovernanceRetention",
      () => refused(who().send(new DeleteObjectCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, BypassGovernanceRetention: true }))),
    ],
    [
      "DeleteObjects batch (every key, every version, bypass header)",
      async () => {
        const objects = originals.flatMap((o) => [{ Key: o.key }, { Key: o.key, VersionId: o.versionId }]);
        for (const bypass of [false, true]) {
          // S3 answers a batch delete with 200 and a per-key verdict: nothing may be in Deleted.
          const res = await who()
            .send(new DeleteObjectsCommand({ Bucket: Bucket(), Delete: { Objects: objects }, BypassGovernanceRetention: bypass }))
            .catch((err: unknown) => {
              expect([403]).toContain(status(err));
              return undefined;
            });
          if (res) {
            expect(res.Deleted ?? []).toEqual([]);
            expect((res.Errors ?? []).map((e) => e.Code)).toEqual(objects.map(() => "AccessDenied"));
          }
        }
      },
    ],
    [
      "PutObjectRetention: shorten the COMPLIANCE date",
      () =>
        refused(
          who().send(
            new PutObjectRetentionCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: later(5_000) } }),
          ),
        ),
    ],
    [
      "PutObjectRetention: switch to GOVERNANCE (same date, then with bypass)",
      async () => {
        const Retention = { Mode: "GOVERNANCE" as const, RetainUntilDate: target().retainUntil };
        await refused(who().send(new PutObjectRetentionCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, Retention })));
        await refused(
          who().send(new PutObjectRetentionCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, Retention, BypassGovernanceRetention: true })),
        );
      },
    ],
    [
      "PutObjectRetention: remove the retention (empty, and a past date with bypass)",
      async () => {
        await refused(who().send(new PutObjectRetentionCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, Retention: {} })), [400, 403]);
        await refused(
          who().send(
            new PutObjectRetentionCommand({
              Bucket: Bucket(),
              Key: target().key,
              VersionId: target().versionId,
              Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() - 60_000) },
              BypassGovernanceRetention: true,
            }),
          ),
          [400, 403],
        );
      },
    ],
    [
      "PutObjectLegalHold",
      () => refused(who().send(new PutObjectLegalHoldCommand({ Bucket: Bucket(), Key: target().key, VersionId: target().versionId, LegalHold: { Status: "OFF" } }))),
    ],
    [
      "PutBucketLifecycleConfiguration: expire everything, every version, after a day",
      () =>
        refused(
          who().send(
            new PutBucketLifecycleConfigurationCommand({
              Bucket: Bucket(),
              LifecycleConfiguration: {
                Rules: [
                  {
                    ID: "wipe",
                    Status: "Enabled",
                    Filter: { Prefix: "" },
                    Expiration: { Days: 1 },
                    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
                    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                  },
                ],
              },
            }),
          ),
          // versitygw has no lifecycle engine and answers 501 to everyone (root included, see
          // below); the policy's explicit Deny is what refuses it on a provider that has one.
          LIFECYCLE_REFUSALS,
        ),
    ],
    ["DeleteBucketLifecycle", () => refused(who().send(new DeleteBucketLifecycleCommand({ Bucket: Bucket() })), LIFECYCLE_REFUSALS)],
    [
      "PutObjectLockConfiguration: shorten the default to 1 day GOVERNANCE, then drop the rule",
      async () => {
        await refused(
          who().send(
            new PutObjectLockConfigurationCommand({
              Bucket: Bucket(),
              ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } },
            }),
          ),
        );
        await refused(who().send(new PutObjectLockConfigurationCommand({ Bucket: Bucket(), ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } })));
      },
    ],
    ["PutBucketVersioning Suspended", () => refused(who().send(new PutBucketVersioningCommand({ Bucket: Bucket(), VersioningConfiguration: { Status: "Suspended" } })))],
    [
      "PutBucketPolicy granting itself s3:*",
      () =>
        refused(
          who().send(
            new PutBucketPolicyCommand({
              Bucket: Bucket(),
              Policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:*"], Resource: [`arn:aws:s3:::${Bucket()}`, `arn:aws:s3:::${Bucket()}/*`] }],
              }),
            }),
          ),
        ),
    ],
    ["DeleteBucketPolicy (to fall back to ACLs)", () => refused(who().send(new DeleteBucketPolicyCommand({ Bucket: Bucket() })))],
    ["PutBucketAcl public-read-write", () => refused(who().send(new PutBucketAclCommand({ Bucket: Bucket(), ACL: "public-read-write" })))],
    ["PutObjectAcl public-read-write", () => refused(who().send(new PutObjectAclCommand({ Bucket: Bucket(), Key: target().key, ACL: "public-read-write" })))],
    ["DeleteBucket", () => refused(who().send(new DeleteBucketCommand({ Bucket: Bucket() })))],
  ];
}

beforeAll(async () => {
  tb = await createTestBucket({ prefix: "intruder" });
  const retainUntil = later(LOCK_MS);
  const bodies: [string, Uint8Array][] = [
    ["snapshots/2026-11-27T00-00-00Z", new TextEncoder().encode(JSON.stringify({ snapshot: "manifest", items: 3 }))],
    ["packs/ab/ab12cd", randomBytes(256 * 1024)],
    ["index/0001", randomBytes(4096)],
  ];
  originals = [];
  for (const [key, body] of bodies) {
    const { versionId } = await tb.writer.put(key, body, { retainUntil });
    if (!versionId) throw new Error(`versitygw returned no version id for ${key}: is versioning enabled?`);
    originals.push({ key, body, versionId, retainUntil });
  }
});

afterAll(async () => {
  await tb?.cleanup();
});

describe("provisioned identities can do their jobs", () => {
  it("writer: put (locked), get, head, list, list versions, extend retention", async () => {
    const o = originals[1];
    if (!o) throw new Error("no originals");
    expect(Buffer.from(await tb.writer.get(o.key))).toEqual(Buffer.from(o.body));
    expect(Buffer.from(await tb.writer.get(o.key, { offset: 10, length: 100 }))).toEqual(Buffer.from(o.body.subarray(10, 110)));
    expect((await tb.writer.head(o.key))?.retainUntil?.getTime()).toBe(Math.floor(o.retainUntil.getTime() / 1000) * 1000);
    const listed: string[] = [];
    for await (const i of tb.writer.list("")) listed.push(i.key);
    expect(listed.sort()).toEqual(originals.map((x) => x.key).sort());
    const versions: string[] = [];
    for await (const v of tb.writer.listVersions("")) versions.push(v.versionId);
    expect(versions).toEqual(expect.arrayContaining(originals.map((x) => x.versionId)));

    const key = `extend/${randomBytes(4).toString("hex")}`;
    const { versionId } = await tb.writer.put(key, new Uint8Array([1, 2, 3]), { retainUntil: later(LOCK_MS) });
    const target = later(2 * LOCK_MS);
    await tb.writer.extendRetention(key, target, versionId);
    expect((await tb.reader.retention(key, versionId)).retainUntil?.getTime()).toBeGreaterThanOrEqual(Math.floor(target.getTime() / 1000) * 1000);
    // Asking for an earlier date is a no-op, never a shortening.
    await tb.writer.extendRetention(key, later(LOCK_MS / 2));
    const after = await tb.reader.retention(key, versionId);
    expect(after.mode).toBe("COMPLIANCE");
    expect(after.retainUntil?.getTime()).toBeGreaterThanOrEqual(Math.floor(target.getTime() / 1000) * 1000);
  });

  it("reader: get, head, list, list versions — and nothing that writes", async () => {
    const o = originals[0];
    if (!o) throw new Error("no originals");
    expect(Buffer.from(await tb.reader.get(o.key, undefined, o.versionId))).toEqual(Buffer.from(o.body));
    expect(await tb.reader.head(o.key)).toMatchObject({ key: o.key, size: o.body.byteLength });
    let n = 0;
    for await (const _ of tb.reader.listVersions("")) n++;
    expect(n).toBeGreaterThanOrEqual(originals.length);
    await expect(tb.reader.put("reader/x", new Uint8Array([1]), { retainUntil: later(60_000) })).rejects.toSatisfy((e) => isStoreError(e, "access_denied"));
    await expect(tb.reader.extendRetention(o.key, later(2 * LOCK_MS), o.versionId)).rejects.toSatisfy((e) => isStoreError(e, "access_denied"));
  });
});

describe.each([
  ["writer", () => tb.clients.writer],
  ["reader", () => tb.clients.reader],
] as const)("an intruder with the %s's credentials", (_name, who) => {
  it.each(attacks(who))("is refused: %s", async (_attack, run) => {
    await run();
  });
});

describe.each(["writer", "reader", "gc"] as const)("an intruder with the %s's credentials on versitygw's admin API", (role) => {
  const adminAs = () => new VersityAdmin({ endpoint: tb.endpoint.endpoint ?? "", region: tb.endpoint.region, credentials: tb.identities[role] });
  const forbidden = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, "the admin call succeeded").toBeInstanceOf(VersityAdminError);
    expect((err as VersityAdminError).status).toBe(403);
  };

  it("cannot make itself an admin, take over the bucket, or remove another identity", async () => {
    const me = tb.identities[role].accessKeyId;
    await forbidden(adminAs().createUser(`${me}-evil`, "evil-secret-evil-secret", "admin"));
    await forbidden(adminAs().changeBucketOwner(tb.bucket, me));
    await forbidden(adminAs().deleteUser(tb.identities.gc.accessKeyId));
    await forbidden(adminAs().listUsers());
  });
});

describe("an intruder with the writer's credentials: what it may do is harmless", () => {
  it("overwriting a key (plain, with its own short lock, by CopyObject) only adds versions; the original stays intact and locked", async () => {
    const o = originals[0];
    if (!o) throw new Error("no originals");
    const garbage = new TextEncoder().encode("ransomware was here");
    const w = tb.clients.writer;
    await w.send(new PutObjectCommand({ Bucket: tb.bucket, Key: o.key, Body: garbage, ChecksumSHA256: sha256Base64(garbage), ChecksumAlgorithm: "SHA256" }));
    await w.send(
      new PutObjectCommand({
        Bucket: tb.bucket,
        Key: o.key,
        Body: garbage,
        ObjectLockMode: "GOVERNANCE",
        ObjectLockRetainUntilDate: later(2_000),
        ChecksumSHA256: sha256Base64(garbage),
        ChecksumAlgorithm: "SHA256",
      }),
    );
    await w.send(new CopyObjectCommand({ Bucket: tb.bucket, Key: o.key, CopySource: `${tb.bucket}/${originals[2]?.key ?? ""}` }));

    // The latest version is now the intruder's; the original is one listVersions away.
    const versions = [];
    for await (const v of tb.reader.listVersions(o.key)) if (v.key === o.key) versions.push(v);
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect(versions.find((v) => v.isLatest)?.versionId).not.toBe(o.versionId);
    expect(versions.map((v) => v.versionId)).toContain(o.versionId);

    expect(await bytesOf(tb.clients.reader, o.key, o.versionId)).toEqual(Buffer.from(o.body));
    const r = await tb.clients.reader.send(new GetObjectRetentionCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId }));
    expect(r.Retention?.Mode).toBe("COMPLIANCE");
    expect(r.Retention?.RetainUntilDate?.getTime()).toBeGreaterThanOrEqual(Math.floor(o.retainUntil.getTime() / 1000) * 1000);
  });
});

describe("the garbage collector's identity", () => {
  it("cannot delete a version whose lock has not expired", async () => {
    const o = originals[2];
    if (!o) throw new Error("no originals");
    await expect(tb.gc.deleteVersion(o.key, o.versionId)).rejects.toSatisfy((e) => isStoreError(e, "locked"));
  });

  it("cannot add delete markers, write, or change the bucket", async () => {
    const o = originals[2];
    if (!o) throw new Error("no originals");
    const gc = tb.clients.gc;
    await refused(gc.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: o.key })));
    await refused(gc.send(new PutObjectCommand({ Bucket: tb.bucket, Key: "gc/x", Body: "x", ChecksumSHA256: sha256Base64(Buffer.from("x")), ChecksumAlgorithm: "SHA256" })));
    await refused(gc.send(new PutBucketVersioningCommand({ Bucket: tb.bucket, VersioningConfiguration: { Status: "Suspended" } })));
    await refused(gc.send(new PutBucketPolicyCommand({ Bucket: tb.bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) })), [400, 403]);
    await refused(gc.send(new DeleteBucketCommand({ Bucket: tb.bucket })));
    await refused(
      gc.send(new PutObjectRetentionCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: later(5_000) } })),
    );
  });

  it("deletes a version once its lock has expired", async () => {
    const key = `gc/expiring-${randomBytes(4).toString("hex")}`;
    const lockMs = 3_000;
    const { versionId } = await tb.writer.put(key, new Uint8Array([9, 9, 9]), { retainUntil: later(lockMs) });
    if (!versionId) throw new Error("no version id");
    await expect(tb.gc.deleteVersion(key, versionId)).rejects.toSatisfy((e) => isStoreError(e, "locked"));
    // S3 dates have one-second resolution; wait past the lock with a margin.
    await new Promise((r) => setTimeout(r, lockMs + 1_500));
    await tb.gc.deleteVersion(key, versionId);
    const left = [];
    for await (const v of tb.reader.listVersions(key)) left.push(v);
    expect(left).toEqual([]);
  }, 30_000);
});

describe("even the S3 server's root credentials", () => {
  it("cannot delete a locked version, shorten its lock, or delete the bucket", async () => {
    const o = originals[1];
    if (!o) throw new Error("no originals");
    const root = tb.clients.root;
    await refused(root.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId, BypassGovernanceRetention: true })));
    await refused(
      root.send(new PutObjectRetentionCommand({ Bucket: tb.bucket, Key: o.key, VersionId: o.versionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: later(5_000) } })),
    );
    await refused(root.send(new DeleteBucketCommand({ Bucket: tb.bucket })), [409]);
  });
});

describe("versitygw has no lifecycle engine", () => {
  it("refuses a lifecycle rule even from root, so no rule can ever expire a vault object there", async () => {
    await refused(
      tb.clients.root.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: tb.bucket,
          LifecycleConfiguration: { Rules: [{ ID: "wipe", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }] },
        }),
      ),
      [501],
    );
  });
});

describe("after every attack", () => {
  it("every original version is byte-identical, COMPLIANCE-locked, and its date not lowered", async () => {
    for (const o of originals) {
      const got = await tb.reader.get(o.key, undefined, o.versionId);
      expect(Buffer.from(got).equals(Buffer.from(o.body)), `${o.key} changed`).toBe(true);
      const r = await tb.reader.retention(o.key, o.versionId);
      expect(r.mode).toBe("COMPLIANCE");
      expect(r.retainUntil?.getTime()).toBeGreaterThanOrEqual(Math.floor(o.retainUntil.getTime() / 1000) * 1000);
    }
  });
});
