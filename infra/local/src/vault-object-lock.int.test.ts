// The vault's immutability promise rests on the S3 server refusing to delete or shorten a
// COMPLIANCE-locked version for anyone, the root credentials included.
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureStack } from "./stack.js";

let s3: S3Client;
const bucket = `lock-test-${randomBytes(4).toString("hex")}`;
const key = "snapshots/probe";
let versionId: string | undefined;

const denied = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });

beforeAll(async () => {
  const stack = await ensureStack({ services: ["vault"] });
  s3 = new S3Client({
    endpoint: stack.s3Endpoint,
    region: stack.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: stack.s3.accessKeyId ?? "", secretAccessKey: stack.s3.secretAccessKey ?? "" },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  const put = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: "locked bytes", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: new Date(Date.now() + 10 * 60_000) }),
  );
  versionId = put.VersionId;
});

describe("versitygw Object Lock (COMPLIANCE)", () => {
  it("records the retention on the version", async () => {
    expect(versionId).toBeTruthy();
    const r = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    expect(r.Retention?.Mode).toBe("COMPLIANCE");
  });

  it("refuses to delete the locked version, even with BypassGovernanceRetention", async () => {
    await denied(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })));
    await denied(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, BypassGovernanceRetention: true })));
  });

  it("refuses to shorten the retention", async () => {
    const sooner = { Mode: "COMPLIANCE" as const, RetainUntilDate: new Date(Date.now() + 60_000) };
    await denied(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId, Retention: sooner })));
  });

  it("a plain delete only hides the object: the locked version still reads back", async () => {
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(del.DeleteMarker).toBe(true);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    expect(await got.Body?.transformToString()).toBe("locked bytes");
  });
});
