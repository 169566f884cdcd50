// What the maintenance activities (and the backup activities' run bookkeeping) need from the rest
// of the system: the worker wires these to @holdfast/services/maintenance, as each tenant's
// `system` actor under RLS, and to the exports store.

/** A backup run still recorded as `running`. */
export interface OpenRunRecord {
  runId: string;
  workflowId: string;
  startedAt: Date;
}

export interface RunBookkeeping {
  /** Runs of the source still `running`, started before `startedBefore`, other than `exceptRunId`; oldest first. */
  openRuns(tenantId: string, sourceId: string, opts: { exceptRunId: string; startedBefore: Date }): Promise<OpenRunRecord[]>;
  /** Marks a still-running run `failed` with `summary` and closes its open snapshots; `abandoned` false if it had finished meanwhile. */
  abandon(tenantId: string, runId: string, summary: string): Promise<{ abandoned: boolean; snapshotsClosed: number }>;
  /** Closes the open snapshots a finished run's failed units left; the number closed. */
  closeFinishedRunSnapshots(tenantId: string, runId: string): Promise<number>;
}

export interface MaintenancePorts {
  runs: RunBookkeeping;
  /** Tenants with an expired export archive still stored or an idempotency record past its TTL. */
  tenantsDue(now: Date): Promise<string[]>;
  /** Deletes the tenant's expired archives from the exports store and marks them deleted. */
  sweepExports(tenantId: string, now: Date): Promise<{ deleted: number; failed: { exportId: string; reason: string }[] }>;
  /** Deletes the tenant's idempotency records past their TTL; the number deleted. */
  purgeIdempotencyKeys(tenantId: string, now: Date): Promise<number>;
}
