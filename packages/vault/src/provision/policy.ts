// The vault bucket's policy: what each identity may do, as data. The same action lists are what an
// AWS deployment puts in the identities' IAM policies (docs/adr/0005-vault-credentials.md).

/** Read-only: what holdfast-restore and verification need, and nothing else. */
export const READER_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:GetObjectRetention",
  "s3:ListBucket",
  "s3:ListBucketVersions",
  "s3:GetBucketVersioning",
  "s3:GetBucketObjectLockConfiguration",
] as const;

/** Backup writer: add objects (always locked by the store), read back, extend locks. */
export const WRITER_ACTIONS = [...READER_ACTIONS, "s3:PutObject", "s3:PutObjectRetention"] as const;

/** Garbage collector: read, and delete a named version (the server refuses while it is locked). */
export const GC_ACTIONS = [...READER_ACTIONS, "s3:DeleteObjectVersion"] as const;

/** Anything that deletes, or unlocks, or could let an identity grant itself more. */
const DESTRUCTIVE_OBJECT_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"] as const;
const BUCKET_CONFIG_ACTIONS = [
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketAcl",
  "s3:PutObjectAcl",
  "s3:PutBucketOwnershipControls",
  "s3:PutObjectLegalHold",
] as const;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: { AWS: string[] };
  Action: string[];
  Resource: string[];
}
export interface BucketPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * Who holds each role. Normally one identity each; while the credentials are rotated, the current
 * and the new identity of a role both hold it, until the new ones are stored (ADR 0005).
 */
export interface VaultPrincipals {
  writer: string | readonly string[];
  reader: string | readonly string[];
  gc: string | readonly string[];
}

/**
 * Allows each identity exactly its list, and explicitly denies the destructive and
 * configuration-changing actions to every identity that must not have them — an explicit Deny
 * wins over any Allow a provider-side identity policy might add later (AWS evaluation logic,
 * and versitygw's). The GC identity keeps DeleteObjectVersion only; Object Lock still refuses
 * it for any version whose compliance date has not passed.
 */
export function vaultBucketPolicy(bucket: string, principals: VaultPrincipals): BucketPolicy {
  const names = (p: string | readonly string[]) => (typeof p === "string" ? [p] : [...p]);
  const writer = names(principals.writer);
  const reader = names(principals.reader);
  const gc = names(principals.gc);
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  const allow = (Sid: string, who: string[], actions: readonly string[]): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal: { AWS: who },
    Action: [...actions],
    Resource: resources,
  });
  const deny = (Sid: string, who: string[], actions: readonly string[]): PolicyStatement => ({ ...allow(Sid, who, actions), Effect: "Deny" });
  return {
    Version: "2012-10-17",
    Statement: [
      allow("HoldfastWriterAddAndLock", writer, WRITER_ACTIONS),
      allow("HoldfastReaderRead", reader, READER_ACTIONS),
      allow("HoldfastGcCollect", gc, GC_ACTIONS),
      deny("HoldfastNoDeleteButGc", [...writer, ...reader], DESTRUCTIVE_OBJECT_ACTIONS),
      deny("HoldfastGcDeletesOnlyVersions", gc, ["s3:DeleteObject", "s3:BypassGovernanceRetention", "s3:PutObject", "s3:PutObjectRetention"]),
      deny("HoldfastNoBucketConfig", [...writer, ...reader, ...gc], BUCKET_CONFIG_ACTIONS),
    ],
  };
}
