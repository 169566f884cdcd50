// The retention sweep's ports, wired to the real system: @holdfast/services' sweep verbs as each
// tenant's `system` actor (under RLS), the one cross-tenant read through its definer function, and
// the tenant's vault opened twice — with the writer identity to raise held snapshots' locks, and
// with the gc identity (whose store deletes) for collectGarbage, which writes its tombstones
// through the writer's vault (packages/vault/src/gc/collect.ts).
import type { Database } from "@holdfast/db";
import { expireSnapshots, finishRetentionSweep, heldExtensionDate, heldSnapshotsToExtend, recordHeldExtension, recordSweepGcReport, retentionSweepTenants, startRetentionSweep, systemContext } from "@holdfast/services";
import { openTenantVault } from "@holdfast/services/vaults";
import { collectGarbage, type GcObjectStore, type GcOptions, type GcReport } from "@holdfast/vault";
import type { RetentionPorts } from "@holdfast/workflows/activities";

/** Skipped objects and problems kept in the sweep log per run; the rest are counted. */
const LISTED = 100;

export interface RetentionPortsOptions {
  db: Database;
  workerId: string;
  /** GC's tombstone grace (tests: 0); the vault's default (24 h) otherwise. */
  gcGraceMs?: number;
}

/** The GC report as the sweep log keeps it: every count, and the first LISTED skipped objects and problems. */
export function gcReportForLog(r: GcReport): Record<string, unknown> {
  const { skipped, problems, ...counts } = r;
  return { ...counts, problemCount: problems.length, problems: problems.slice(0, LISTED), skippedCount: skipped.length, skipped: skipped.slice(0, LISTED) };
}

export function createRetentionPorts(opts: RetentionPortsOptions): RetentionPorts {
  const ctx = (tenantId: string) => systemContext(opts.db, tenantId, opts.workerId);
  const gcOptions: GcOptions = opts.gcGraceMs !== undefined ? { graceMs: opts.gcGraceMs } : {};
  return {
    tenants: () => retentionSweepTenants(opts.db),
    startSweep: (tenantId, now) => startRetentionSweep(ctx(tenantId), now),
    heldSnapshots: (tenantId, now, limit) => heldSnapshotsToExtend(ctx(tenantId), now, limit),
    extensionDate: heldExtensionDate,
    async raiseVaultLocks(tenantId, vaultSnapshotId, until) {
      const vault = await openTenantVault(ctx(tenantId), "writer");
      try {
        await vault.extendSnapshotLocks(vaultSnapshotId, until);
      } finally {
        await vault.close();
      }
    },
    recordExtension: (tenantId, snapshotId, until) => recordHeldExtension(ctx(tenantId), snapshotId, until),
    expire: (tenantId, now) => expireSnapshots(ctx(tenantId), now),
    async collectGarbage(tenantId, sweepId) {
      const writer = await openTenantVault(ctx(tenantId), "writer");
      try {
        const gcVault = await openTenantVault(ctx(tenantId), "gc");
        try {
          const report = await collectGarbage(writer, gcVault.store as GcObjectStore, gcOptions);
          await recordSweepGcReport(ctx(tenantId), sweepId, gcReportForLog(report));
          return { snapshotsDeleted: report.snapshotsDeleted, packsDeleted: report.packsDeleted, indexesDeleted: report.indexesDeleted, problems: report.problems.length };
        } finally {
          await gcVault.close();
        }
      } finally {
        await writer.close();
      }
    },
    finishSweep: (tenantId, sweepId, outcome) => finishRetentionSweep(ctx(tenantId), sweepId, outcome),
  };
}
