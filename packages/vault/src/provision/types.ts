import { z } from "zod";

/** One vault identity's S3 credentials and the name a bucket policy uses for it. */
export interface VaultIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  /** versitygw: the access key id; AWS: the IAM user or role ARN. */
  principal: string;
}

export const VaultRoles = ["writer", "reader", "gc"] as const;
export type VaultRole = (typeof VaultRoles)[number];

/** Creates and removes identities at the storage provider (versitygw admin API, AWS IAM, …). */
export interface IdentityAdmin {
  createIdentity(accessKeyId: string, secretAccessKey: string): Promise<VaultIdentity>;
  deleteIdentity(identity: Pick<VaultIdentity, "accessKeyId">): Promise<void>;
}

export const ProvisionVaultInput = z.object({
  /** S3 bucket naming rules: 3–63 chars, lowercase letters, digits, dots and hyphens. */
  bucket: z
    .string()
    .min(3)
    .max(63)
    .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "must be a valid S3 bucket name"),
  tenantId: z.string().min(1),
  /**
   * Bucket default retention (COMPLIANCE, days) for any object PUT without its own lock. The vault
   * always sends an explicit date; this is the net under a client that forgets to. 0 = none.
   */
  defaultRetentionDays: z.number().int().min(0).max(36500).default(1),
});
export type ProvisionVaultInput = z.input<typeof ProvisionVaultInput>;

export interface ProvisionedVault {
  bucket: string;
  tenantId: string;
  /** Backup workers: put + lock, read, list, extend locks. No delete of any kind, no bucket config. */
  writer: VaultIdentity;
  /** holdfast-restore and verification: read and list only. */
  reader: VaultIdentity;
  /** Garbage collection: read, list and DeleteObjectVersion (refused by the server while a version is locked). */
  gc: VaultIdentity;
}
