// The restore drills' ports, wired to @holdfast/services' drill verbs as each tenant's `system`
// actor (under RLS), the one cross-tenant read (tenants with a vault) through its definer function,
// and the tenant's vault opened with the reader identity (shared with the restore ports' cache).
import type { Database } from "@holdfast/db";
import { finishDrill, retentionSweepTenants, sampleDrillItems, startDrill, systemContext } from "@holdfast/services";
import type { Vault } from "@holdfast/vault";
import type { DrillPorts } from "@holdfast/workflows/activities";

export interface DrillPortsOptions {
  db: Database;
  workerId: string;
  /** The tenant's vault as the reader (pass the restore ports' `readVault`, which caches it). */
  readVault: (tenantId: string) => Promise<Vault>;
  /** Where scratch directories go (default: the OS temp directory). */
  scratchRoot?: string;
}

export function createDrillPorts(opts: DrillPortsOptions): DrillPorts {
  const ctx = (tenantId: string) => systemContext(opts.db, tenantId, opts.workerId);
  return {
    // Every tenant with a vault is drilled, as every one is swept.
    tenants: () => retentionSweepTenants(opts.db),
    start: (tenantId, now) => startDrill(ctx(tenantId), now),
    async sample(tenantId) {
      return (await sampleDrillItems(ctx(tenantId))).map((i) => ({ versionId: i.versionId, vaultSnapshotId: i.vaultSnapshotId, vaultPath: i.vaultPath, path: i.path, contentSha256: i.contentSha256 }));
    },
    readVault: opts.readVault,
    finish: (tenantId, drillId, result) => finishDrill(ctx(tenantId), drillId, result),
    ...(opts.scratchRoot ? { scratchRoot: opts.scratchRoot } : {}),
  };
}
