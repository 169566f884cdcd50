// Test helper for any suite that needs a real vault bucket on the local S3 server (versitygw from
// the local stack, or whatever VAULT_S3_ENDPOINT names). Each call makes a bucket of its own
// (CONVENTIONS.md §14: no shared fixtures). Re-exported by "@holdfast/vault/testing"; tests only.
import { randomBytes } from "node:crypto";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { vaultConfig } from "@holdfast/config";
import { createLockedBucket, provisionVaultBucket } from "../provision/provision.js";
import type { ProvisionedVault } from "../provision/types.js";
import { VersityAdmin } from "../provision/versity-admin.js";
import { createS3Client, S3DeletingObjectStore, S3ObjectStore, type S3Credentials, type S3Endpoint } from "./s3.js";

export interface TestBucket {
  bucket: string;
  tenantId: string;
  endpoint: S3Endpoint;
  /** The three identities' credentials (root's, for all three, when created with `identities: false`). */
  identities: ProvisionedVault;
  writer: S3ObjectStore;
  reader: S3ObjectStore;
  gc: S3DeletingObjectStore;
  /** Raw clients per identity, for tests that try calls the stores deliberately do not offer. */
  clients: { writer: S3Client; reader: S3Client; gc: S3Client; root: S3Client };
  /**
   * Deletes every version whose lock has passed, the bucket if that empties it, and the
   * identities. Locked versions stay until their retention ends — which is the point.
   */
  cleanup(): Promise<void>;
}

export interface CreateTestBucketOptions {
  /** Short tag in the bucket name, e.g. the suite's name. */
  prefix?: string;
  tenantId?: string;
  /** Bucket default retention in days; 0 (the default here) so short-lived test locks can expire. */
  defaultRetentionDays?: number;
  /**
   * false: skip the writer/reader/gc identities and hand out root-credential stores. For engine
   * tests that do not test permissions; works on a versitygw without an IAM backend.
   */
  identities?: boolean;
  env?: Record<string, string | undefined>;
}

function testBucketName(prefix: string): string {
  const tag = prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 20);
  return `hf-test-${tag}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`.replace(/-+/g, "-").slice(0, 63);
}

/** A fresh Object Lock bucket with the writer / reader / gc identities provisioned as in production. */
export async function createTestBucket(opts: CreateTestBucketOptions = {}): Promise<TestBucket> {
  const cfg = vaultConfig(opts.env);
  const endpoint: S3Endpoint = { endpoint: cfg.endpoint, region: cfg.region, forcePathStyle: true, maxAttempts: 3 };
  const root: S3Credentials = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
  const rootClient = createS3Client(endpoint, root);
  const bucket = testBucketName(opts.prefix ?? "vault");
  const tenantId = opts.tenantId ?? `test-${randomBytes(4).toString("hex")}`;
  const admin = new VersityAdmin({ endpoint: cfg.endpoint, region: cfg.region, credentials: root });
  const defaultRetentionDays = opts.defaultRetentionDays ?? 0;

  let identities: ProvisionedVault;
  if (opts.identities === false) {
    await createLockedBucket(rootClient, bucket, defaultRetentionDays);
    const r = { ...root, principal: root.accessKeyId };
    identities = { bucket, tenantId, writer: r, reader: r, gc: r };
  } else {
    try {
      identities = await provisionVaultBucket({ s3: rootClient, identities: admin }, { bucket, tenantId, defaultRetentionDays });
    } catch (err) {
      // Still empty at this point; do not leave it behind.
      await rootClient.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      rootClient.destroy();
      throw err;
    }
  }

  const clients = {
    writer: createS3Client(endpoint, identities.writer),
    reader: createS3Client(endpoint, identities.reader),
    gc: createS3Client(endpoint, identities.gc),
    root: rootClient,
  };
  return {
    bucket,
    tenantId,
    endpoint,
    identities,
    writer: new S3ObjectStore({ ...endpoint, bucket, credentials: identities.writer, client: clients.writer }),
    reader: new S3ObjectStore({ ...endpoint, bucket, credentials: identities.reader, client: clients.reader }),
    gc: new S3DeletingObjectStore({ ...endpoint, bucket, credentials: identities.gc, client: clients.gc }),
    clients,
    cleanup: async () => {
      await emptyUnlocked(rootClient, bucket);
      await rootClient.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined); // still holds locked versions
      if (opts.identities !== false) {
        await Promise.allSettled([identities.writer, identities.reader, identities.gc].map((i) => admin.deleteIdentity(i)));
      }
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}

async function emptyUnlocked(s3: S3Client, bucket: string): Promise<void> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  const now = Date.now();
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker })).catch(() => undefined);
    if (!page) return;
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (!v.Key || !v.VersionId) continue;
      const until = await s3
        .send(new GetObjectRetentionCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }))
        .then((r) => r.Retention?.RetainUntilDate?.getTime() ?? 0)
        .catch(() => 0);
      if (until > now) continue;
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId })).catch(() => undefined);
    }
    if (!page.IsTruncated || !page.NextKeyMarker) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
