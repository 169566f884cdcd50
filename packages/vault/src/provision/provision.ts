// Creates a tenant's vault bucket and its three identities. Runs with the storage provider's
// admin credentials, which no backup, restore or GC process ever holds.
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  GetObjectLockConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { StoreError, toStoreError } from "../store/errors.js";
import { vaultBucketPolicy, type VaultPrincipals } from "./policy.js";
import { ProvisionVaultInput, type IdentityAdmin, type ProvisionedVault, type VaultIdentity, type VaultRole } from "./types.js";

export interface VaultAdmin {
  /** An S3 client holding the provider's admin (bucket-owner) credentials. */
  s3: S3Client;
  identities: IdentityAdmin;
}

const ROLE_TAG: Record<VaultRole, string> = { writer: "w", reader: "r", gc: "gc" };

/**
 * Access key ids name the tenant and role (they appear in policies and audit logs); secrets are 256
 * random bits. `idSuffix` (12 hex digits) fixes the id's last part, e.g. to one derived from the
 * rotation that makes it, so a retried rotation finds its own identities; by default it is random.
 */
export function newVaultCredentials(tenantId: string, role: VaultRole, idSuffix?: string): { accessKeyId: string; secretAccessKey: string } {
  const slug = tenantId.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12) || "tenant";
  if (idSuffix !== undefined && !/^[0-9a-f]{12}$/.test(idSuffix)) throw new RangeError(`an identity's id suffix must be 12 hex digits, not "${idSuffix}"`);
  return {
    accessKeyId: `hf-${slug}-${ROLE_TAG[role]}-${idSuffix ?? randomBytes(6).toString("hex")}`,
    secretAccessKey: randomBytes(32).toString("base64url"),
  };
}

async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  } catch (err) {
    const e = toStoreError(err, "createBucket", { bucket });
    // Re-running after a crash: an existing bucket of ours is fine if it already has Object Lock.
    if (e.details.s3Code !== "BucketAlreadyOwnedByYou") throw e;
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).catch((cause: unknown) => {
      const e = toStoreError(cause, "getObjectLockConfiguration", { bucket });
      if (e.code === "not_found") return undefined;
      throw e;
    });
    if (lock?.ObjectLockConfiguration?.ObjectLockEnabled !== "Enabled") {
      throw new StoreError("invalid", `bucket ${bucket} already exists without Object Lock; a vault needs a bucket created with it`, {
        op: "createBucket",
        bucket,
      });
    }
  }
}

async function withStoreErrors<T>(op: string, bucket: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStoreError(err, op, { bucket });
  }
}

/** Replaces the bucket's policy with the vault's (policy.ts) for these principals: whom it does not name lose access at once. */
export async function putVaultBucketPolicy(s3: S3Client, bucket: string, principals: VaultPrincipals): Promise<void> {
  const policy = vaultBucketPolicy(bucket, principals);
  await withStoreErrors("putBucketPolicy", bucket, () => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) })));
}

/** Creates (or, re-run, checks) a bucket with Object Lock, versioning and an optional COMPLIANCE default retention. */
export async function createLockedBucket(s3: S3Client, bucket: string, defaultRetentionDays: number): Promise<void> {
  await createBucket(s3, bucket);
  // Object Lock buckets are versioned from birth on S3; versitygw wants it said explicitly.
  await withStoreErrors("putBucketVersioning", bucket, () => s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })));
  await withStoreErrors("putObjectLockConfiguration", bucket, () =>
    s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          ...(defaultRetentionDays > 0 ? { Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: defaultRetentionDays } } } : {}),
        },
      }),
    ),
  );
}

/**
 * Creates `bucket` with Object Lock (which implies versioning), an optional COMPLIANCE default
 * retention, the writer / reader / gc identities, and a bucket policy granting each exactly its
 * actions. Returns the identities' credentials; the caller stores them sealed and never logs them.
 * On failure, identities created so far are removed again (the bucket, if made, stays: it is empty).
 */
export async function provisionVaultBucket(admin: VaultAdmin, input: ProvisionVaultInput): Promise<ProvisionedVault> {
  const { bucket, tenantId, defaultRetentionDays } = ProvisionVaultInput.parse(input);
  await createLockedBucket(admin.s3, bucket, defaultRetentionDays);

  const created: VaultIdentity[] = [];
  try {
    const make = async (role: VaultRole) => {
      const c = newVaultCredentials(tenantId, role);
      const identity = await admin.identities.createIdentity(c.accessKeyId, c.secretAccessKey);
      created.push(identity);
      return identity;
    };
    const writer = await make("writer");
    const reader = await make("reader");
    const gc = await make("gc");
    await putVaultBucketPolicy(admin.s3, bucket, { writer: writer.principal, reader: reader.principal, gc: gc.principal });
    return { bucket, tenantId, writer, reader, gc };
  } catch (err) {
    await Promise.allSettled(created.map((identity) => admin.identities.deleteIdentity(identity)));
    throw err;
  }
}
