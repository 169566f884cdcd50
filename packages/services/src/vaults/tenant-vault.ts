// The tenant's vault: provisioned once (bucket with Object Lock, three least-privilege identities,
// the vault's config sealed under the KMS), then opened by role. Only the worker (system actor)
// opens it; the recovery key is returned once, at provisioning, for the owner to keep offline.
import { randomBytes } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { kekConfig, vaultConfig } from "@holdfast/config";
import { tenantVaults, withTenant, type TenantVault } from "@holdfast/db";
import { initVault, LocalKms, openVault, type Kms, type Vault } from "@holdfast/vault";
import { provisionVaultBucket, type ProvisionedVault, type VaultIdentity, VersityAdmin } from "@holdfast/vault/provision";
import { createS3Client, S3DeletingObjectStore, S3ObjectStore, type S3Endpoint } from "@holdfast/vault/store";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict, forbidden, preconditionFailed } from "../errors";

export type VaultRoleName = "writer" | "reader" | "gc";

const purpose = (tenantId: string, role: VaultRoleName) => `tenant-vault:${tenantId}:${role}`;

/** The KMS the vaults' master keys are wrapped with. Local: the KEK itself (production plugs a cloud KMS here). */
export function vaultKms(): Kms {
  return new LocalKms(kekConfig().kek);
}

function endpoint(): S3Endpoint & { endpoint: string; region: string; root: { accessKeyId: string; secretAccessKey: string } } {
  const cfg = vaultConfig();
  return { endpoint: cfg.endpoint, region: cfg.region, forcePathStyle: true, maxAttempts: 3, root: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } };
}

export function bucketNameFor(tenantId: string): string {
  return `hf-${tenantId.replace(/-/g, "").slice(0, 16)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Creates the tenant's vault. Owner only (the recovery key it returns opens every backup of the
 * tenant). Refused when the tenant has one already: a vault is never replaced.
 */
export async function provisionTenantVault(ctx: TenantContext, opts: { retainDays?: number } = {}): Promise<{ bucket: string; vaultId: string; recoveryKey: string }> {
  requireRole(ctx, "owner", "Provisioning the backup vault");
  const existing = await withTenant(ctx.db, ctx.tenantId, (tx) => tx.select({ bucket: tenantVaults.bucket }).from(tenantVaults));
  if (existing.length > 0) throw conflict("This organisation already has a vault; it is never replaced");
  const ep = endpoint();
  const rootClient = createS3Client(ep, ep.root);
  const admin = new VersityAdmin({ endpoint: ep.endpoint, region: ep.region, credentials: ep.root });
  const bucket = bucketNameFor(ctx.tenantId);
  let identities: ProvisionedVault;
  try {
    identities = await provisionVaultBucket({ s3: rootClient, identities: admin }, { bucket, tenantId: ctx.tenantId, defaultRetentionDays: 1 });
  } finally {
    rootClient.destroy();
  }
  const kms = vaultKms();
  const writer = new S3ObjectStore({ ...ep, bucket, credentials: identities.writer });
  const { vault, recoveryKey } = await initVault(writer, { kms, retention: { days: opts.retainDays ?? 30 } });
  const vaultId = vault.config.vaultId;
  await vault.close();
  const kek = kekConfig().kek;
  const sealId = (role: VaultRoleName, id: VaultIdentity) => seal(kek, JSON.stringify(id), purpose(ctx.tenantId, role));
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await tx.insert(tenantVaults).values({
      tenantId: ctx.tenantId,
      bucket,
      vaultId,
      writerEnc: sealId("writer", identities.writer),
      readerEnc: sealId("reader", identities.reader),
      gcEnc: sealId("gc", identities.gc),
      kmsKeyId: kms.keyId,
    });
    await audit(tx, ctx, "vault.provision", { type: "vault", id: bucket }, { vaultId });
  });
  return { bucket, vaultId, recoveryKey };
}

export async function findTenantVault(ctx: TenantContext): Promise<TenantVault | null> {
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) => tx.select().from(tenantVaults));
  return rows[0] ?? null;
}

/** Opens the tenant's vault as one identity. Worker only: no user-facing path holds vault credentials. */
export async function openTenantVault(ctx: TenantContext, role: VaultRoleName): Promise<Vault> {
  if (ctx.actor.type !== "system") throw forbidden("The vault is opened by the backup worker only");
  const row = await findTenantVault(ctx);
  if (!row) throw preconditionFailed("This organisation has no vault yet; provision it first");
  const enc = role === "writer" ? row.writerEnc : role === "reader" ? row.readerEnc : row.gcEnc;
  const identity = JSON.parse(open(kekConfig().kek, enc, purpose(ctx.tenantId, role))) as VaultIdentity;
  const ep = endpoint();
  const store = role === "gc" ? new S3DeletingObjectStore({ ...ep, bucket: row.bucket, credentials: identity }) : new S3ObjectStore({ ...ep, bucket: row.bucket, credentials: identity });
  const vault = await openVault(store, { kms: vaultKms() });
  if (vault.config.vaultId !== row.vaultId) {
    await vault.close();
    throw preconditionFailed(`bucket ${row.bucket} holds vault ${vault.config.vaultId}, not this organisation's ${row.vaultId}`);
  }
  return vault;
}
