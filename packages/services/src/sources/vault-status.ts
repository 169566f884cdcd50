import { tenantVaults, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import type { VaultStatus } from "./types";

/** Whether the organisation has its vault, and which; no credential of it. (Provisioning is at @holdfast/services/vaults.) */
export async function getVaultStatus(ctx: TenantContext): Promise<VaultStatus> {
  requireRole(ctx, "viewer", "Reading the vault's status");
  const [row] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ bucket: tenantVaults.bucket, vaultId: tenantVaults.vaultId, createdAt: tenantVaults.createdAt, rotatedAt: tenantVaults.credentialsRotatedAt })
      .from(tenantVaults),
  );
  return row
    ? { provisioned: true, bucket: row.bucket, vaultId: row.vaultId, createdAt: row.createdAt.toISOString(), credentialsRotatedAt: row.rotatedAt?.toISOString() ?? null }
    : { provisioned: false };
}
