// The tenant's vault: provisioned once (bucket with Object Lock, three least-privilege identities,
// the vault's config sealed under the KMS), then opened by role. Only the worker (system actor)
// opens it; the recovery key is returned once, at provisioning, for the owner to keep offline.
import { createHash, randomBytes } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { kekConfig, vaultConfig } from "@holdfast/config";
import { sql, tenantVaults, withTenant, type Database, type TenantVault } from "@holdfast/db";
import { initVault, LocalKms, openVault, type Kms, type Vault } from "@holdfast/vault";
import {
  newVaultCredentials,
  provisionVaultBucket,
  putVaultBucketPolicy,
  type ProvisionedVault,
  type VaultIdentity,
  VaultRoles,
  VersityAdmin,
} from "@holdfast/vault/provision";
import { createS3Client, S3DeletingObjectStore, S3ObjectStore, type ObjectStore, type S3Endpoint } from "@holdfast/vault/store";
import { audit, requireRole, type TenantContext } from "../context";
import { systemContext } from "../sources/system-context";
import { conflict, forbidden, preconditionFailed } from "../errors";
import { executedRotation } from "./request-rotation";

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
  return openVaultAs(row, role, storedIdentity(row, role));
}

const encOf = (row: TenantVault, role: VaultRoleName) => (role === "writer" ? row.writerEnc : role === "reader" ? row.readerEnc : row.gcEnc);

function storedIdentity(row: TenantVault, role: VaultRoleName): VaultIdentity {
  return JSON.parse(open(kekConfig().kek, encOf(row, role), purpose(row.tenantId, role))) as VaultIdentity;
}

function storeFor(bucket: string, role: VaultRoleName, identity: VaultIdentity): ObjectStore {
  const ep = endpoint();
  return role === "gc" ? new S3DeletingObjectStore({ ...ep, bucket, credentials: identity }) : new S3ObjectStore({ ...ep, bucket, credentials: identity });
}

async function openVaultAs(row: TenantVault, role: VaultRoleName, identity: VaultIdentity): Promise<Vault> {
  const vault = await openVault(storeFor(row.bucket, role, identity), { kms: vaultKms() });
  if (vault.config.vaultId !== row.vaultId) {
    await vault.close();
    throw preconditionFailed(`bucket ${row.bucket} holds vault ${vault.config.vaultId}, not this organisation's ${row.vaultId}`);
  }
  return vault;
}

export interface VaultRotationOutcome {
  /** This call stored the new identities (false: an earlier attempt did, or a later rotation overtook it). */
  rotated: boolean;
  /** Access key ids deleted at the provider by this call (names only). */
  deleted: string[];
}

/** A rotation's identities are named after it, so a retried rotation finds (and replaces) what an earlier attempt left. */
const rotationSuffix = (requestId: string) => createHash("sha256").update(`vault-rotation:${requestId}`).digest("hex").slice(0, 12);

/**
 * Carries out an executed `vault.rotate_credentials` request (the worker, after the guard): null
 * for any other request. Safe to retry at any point:
 *  1. new writer / reader / gc identities at the provider, named after the request (an earlier
 *     attempt's are deleted first — they were never stored, so nothing uses them);
 *  2. the bucket policy names the current and the new identities, so a backup running now goes on;
 *  3. each new identity must open the vault, or nothing is stored;
 *  4. `holdfast_vault_store_rotation` stores them sealed (the worker's role alone may, and only for
 *     an executed rotation not already stored or overtaken by a later one);
 *  then, whoever stored: the policy names only the stored identities (everyone else loses access at
 *  that moment) and the retired and unstored ones are deleted. Secrets never leave this function
 *  but sealed; the outcome carries access key ids only.
 */
export async function rotateTenantVaultCredentials(db: Database, tenantId: string, requestId: string, workerId = "vault-rotation"): Promise<VaultRotationOutcome | null> {
  const request = await executedRotation(db, tenantId, requestId);
  if (!request) return null;
  const ctx = systemContext(db, tenantId, workerId);
  const row = await findTenantVault(ctx);
  if (!row) throw preconditionFailed("This organisation has no vault; there are no credentials to rotate");
  const ep = endpoint();
  const admin = new VersityAdmin({ endpoint: ep.endpoint, region: ep.region, credentials: ep.root });
  const root = createS3Client(ep, ep.root);
  const kek = kekConfig().kek;
  const suffix = rotationSuffix(requestId);
  const ownIds = VaultRoles.map((role) => newVaultCredentials(tenantId, role, suffix).accessKeyId);
  try {
    let rotated = false;
    const overtaken = row.credentialsRotatedAt !== null && row.credentialsRotatedByRequestId !== requestId && row.credentialsRotatedAt > request.executedAt;
    if (row.credentialsRotatedByRequestId !== requestId && !overtaken) {
      const current = Object.fromEntries(VaultRoles.map((role) => [role, storedIdentity(row, role)])) as Record<VaultRoleName, VaultIdentity>;
      const existing = new Set((await admin.listUsers()).map((u) => u.access));
      const fresh = {} as Record<VaultRoleName, VaultIdentity>;
      for (const role of VaultRoles) {
        const c = newVaultCredentials(tenantId, role, suffix);
        if (existing.has(c.accessKeyId)) await admin.deleteIdentity(c);
        fresh[role] = await admin.createIdentity(c.accessKeyId, c.secretAccessKey);
      }
      await putVaultBucketPolicy(root, row.bucket, {
        writer: [current.writer.principal, fresh.writer.principal],
        reader: [current.reader.principal, fresh.reader.principal],
        gc: [current.gc.principal, fresh.gc.principal],
      });
      for (const role of VaultRoles) await (await openVaultAs(row, role, fresh[role])).close();
      const sealed = (role: VaultRoleName) => seal(kek, JSON.stringify(fresh[role]), purpose(tenantId, role));
      // An earlier rotation overtaken before it deleted its retired identities hands them on, or nothing would name them again.
      const retired = [...new Set([...VaultRoles.map((role) => current[role].accessKeyId), ...row.retiredAccessKeyIds.filter((id) => existing.has(id))])];
      const { rows } = await withTenant(db, tenantId, (tx) =>
        tx.execute<{ stored: boolean }>(
          sql`select holdfast_vault_store_rotation(${requestId}::uuid, ${sealed("writer")}, ${sealed("reader")}, ${sealed("gc")}, ${sql.param(retired)}::text[]) as stored`,
        ),
      );
      rotated = rows[0]?.stored === true;
    }
    // Whoever stored: only the stored identities keep access, and the rest go.
    const now = await findTenantVault(ctx);
    if (!now) throw preconditionFailed("This organisation's vault row disappeared during the rotation");
    const keep = Object.fromEntries(VaultRoles.map((role) => [role, storedIdentity(now, role)])) as Record<VaultRoleName, VaultIdentity>;
    await putVaultBucketPolicy(root, now.bucket, { writer: keep.writer.principal, reader: keep.reader.principal, gc: keep.gc.principal });
    const kept = new Set(VaultRoles.map((role) => keep[role].accessKeyId));
    const retire = [...ownIds, ...(now.credentialsRotatedByRequestId === requestId ? now.retiredAccessKeyIds : [])].filter((id) => !kept.has(id));
    const existing = new Set((await admin.listUsers()).map((u) => u.access));
    const deleted: string[] = [];
    for (const accessKeyId of retire) {
      if (!existing.has(accessKeyId)) continue;
      await admin.deleteIdentity({ accessKeyId });
      deleted.push(accessKeyId);
    }
    return { rotated, deleted };
  } finally {
    root.destroy();
  }
}
