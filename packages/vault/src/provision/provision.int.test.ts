// provisionVaultBucket against the stack's versitygw (VAULT_S3_ENDPOINT), with its root credentials
// standing in for the provider admin account.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateBucketCommand,
  GetObjectLockConfigurationCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { vaultConfig } from "@holdfast/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client, sha256Base64, type S3Endpoint } from "../store/s3.js";
import { provisionVaultBucket } from "./provision.js";
import type { ProvisionedVault } from "./types.js";
import { VersityAdmin, VersityAdminError } from "./versity-admin.js";

const cfg = vaultConfig();
const endpoint: S3Endpoint = { endpoint: cfg.endpoint, region: cfg.region, maxAttempts: 2 };
const rootCreds = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
let root: S3Client;
let admin: VersityAdmin;
const made: ProvisionedVault[] = [];
const newBucket = () => `hf-test-prov-${randomBytes(5).toString("hex")}`;

beforeAll(() => {
  root = createS3Client(endpoint, rootCreds);
  admin = new VersityAdmin({ endpoint: cfg.endpoint, region: cfg.region, credentials: rootCreds });
});

afterAll(async () => {
  await Promise.allSettled(made.flatMap((v) => [v.writer, v.reader, v.gc]).map((i) => admin.deleteIdentity(i)));
  root.destroy();
});

describe("provisionVaultBucket", () => {
  it("creates a locked, versioned bucket and three distinct identities with secrets of their own", async () => {
    const bucket = newBucket();
    const vault = await provisionVaultBucket({ s3: root, identities: admin }, { bucket, tenantId: "Tenant-42", defaultRetentionDays: 1 });
    made.push(vault);
    const ids = [vault.writer, vault.reader, vault.gc];
    expect(new Set(ids.map((i) => i.accessKeyId)).size).toBe(3);
    expect(new Set(ids.map((i) => i.secretAccessKey)).size).toBe(3);
    for (const i of ids) {
      expect(i.accessKeyId).toMatch(/^hf-tenant42-(w|r|gc)-[0-9a-f]{12}$/);
      expect(Buffer.from(i.secretAccessKey, "base64url")).toHaveLength(32);
    }
    const users = (await admin.listUsers()).map((u) => u.access);
    expect(users).toEqual(expect.arrayContaining(ids.map((i) => i.accessKeyId)));

    const lock = await root.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    expect(lock.ObjectLockConfiguration).toMatchObject({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 1 } } });

    // The default retention is the net under a PUT that forgets its own lock. versitygw does not
    // stamp it on the version the way AWS does; it protects lock-less versions for `Days` after
    // the lock configuration was written (auth/object_lock.go loadObjectLockState). Either way,
    // GC cannot delete such a version today.
    const writer = createS3Client(endpoint, vault.writer);
    const gc = createS3Client(endpoint, vault.gc);
    const body = Buffer.from("no lock headers");
    const put = await writer.send(new PutObjectCommand({ Bucket: bucket, Key: "net", Body: body, ChecksumSHA256: sha256Base64(body), ChecksumAlgorithm: "SHA256" }));
    await expect(gc.send(new DeleteObjectCommand({ Bucket: bucket, Key: "net", VersionId: put.VersionId }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
      message: expect.stringMatching(/object lock/i) as unknown,
    });
    gc.destroy();
    writer.destroy();
  });

  it("re-run on the same bucket rotates the identities: the old ones lose all access", async () => {
    const bucket = newBucket();
    const first = await provisionVaultBucket({ s3: root, identities: admin }, { bucket, tenantId: "t-rotate", defaultRetentionDays: 0 });
    made.push(first);
    const second = await provisionVaultBucket({ s3: root, identities: admin }, { bucket, tenantId: "t-rotate", defaultRetentionDays: 0 });
    made.push(second);
    const oldReader = createS3Client(endpoint, first.reader);
    const newReader = createS3Client(endpoint, second.reader);
    await expect(oldReader.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(newReader.send(new ListObjectsV2Command({ Bucket: bucket }))).resolves.toBeDefined();
    oldReader.destroy();
    newReader.destroy();
  });

  it("refuses an existing bucket that was created without Object Lock", async () => {
    const bucket = newBucket();
    await root.send(new CreateBucketCommand({ Bucket: bucket }));
    await expect(provisionVaultBucket({ s3: root, identities: admin }, { bucket, tenantId: "t-nolock" })).rejects.toThrow(/without Object Lock/);
  });

  it("rejects a bucket name S3 would reject", async () => {
    await expect(provisionVaultBucket({ s3: root, identities: admin }, { bucket: "Not_A_Bucket", tenantId: "t" })).rejects.toThrow(/bucket/);
  });
});

describe("VersityAdmin against a gateway without an IAM backend", () => {
  it("says which flag is missing", async () => {
    // What a single-root versitygw answers to /create-user.
    const server = createServer((_req, res) => {
      res.writeHead(501, { "content-type": "application/xml" });
      res.end("<Error><Code>XAdminMethodNotSupported</Code><Message>The method is not supported in single root user mode.</Message></Error>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const single = new VersityAdmin({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: rootCreds });
    const err = await single.createIdentity("a", "b").catch((e: unknown) => e);
    server.close();
    expect(err).toBeInstanceOf(VersityAdminError);
    expect((err as Error).message).toMatch(/--iam-dir/);
  });
});
