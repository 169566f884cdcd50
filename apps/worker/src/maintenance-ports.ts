// The maintenance ports, wired to the real system: @holdfast/services' maintenance verbs as each
// tenant's `system` actor (under RLS), the one cross-tenant read through its definer function,
// and the exports store for deleting expired archives.
import type { Database } from "@holdfast/db";
import { abandonRun, closeFinishedRunSnapshots, openRunsOfSource, purgeExpiredIdempotencyKeys, sweepExpiredExports, systemContext, tenantsDueForMaintenance, type ExportsStore } from "@holdfast/services";
import type { MaintenancePorts, RunBookkeeping } from "@holdfast/workflows/activities";

export function createRunBookkeeping(db: Database, workerId: string): RunBookkeeping {
  const ctx = (tenantId: string) => systemContext(db, tenantId, workerId);
  return {
    openRuns: (tenantId, sourceId, opts) => openRunsOfSource(ctx(tenantId), sourceId, opts),
    abandon: (tenantId, runId, summary) => abandonRun(ctx(tenantId), runId, summary),
    closeFinishedRunSnapshots: (tenantId, runId) => closeFinishedRunSnapshots(ctx(tenantId), runId),
  };
}

export interface MaintenancePortsOptions {
  db: Database;
  workerId: string;
  /** Where export archives are stored (share the export ports' store). */
  exportsStore: Pick<ExportsStore, "delete">;
}

export function createMaintenancePorts(opts: MaintenancePortsOptions): MaintenancePorts {
  const ctx = (tenantId: string) => systemContext(opts.db, tenantId, opts.workerId);
  return {
    runs: createRunBookkeeping(opts.db, opts.workerId),
    tenantsDue: (now) => tenantsDueForMaintenance(opts.db, now),
    sweepExports: (tenantId, now) => sweepExpiredExports(ctx(tenantId), opts.exportsStore, now),
    purgeIdempotencyKeys: (tenantId, now) => purgeExpiredIdempotencyKeys(ctx(tenantId), now),
  };
}
