// What the retention sweep's activities need from the rest of the system: the worker wires these
// to @holdfast/services' sweep verbs (each tenant's `system` actor, under RLS) and to the tenant's
// vault — the writer identity to raise locks, the gc identity to collect garbage.

export interface HeldSnapshotRecord {
  snapshotId: string;
  vaultSnapshotId: string;
  retainUntil: Date;
}

export interface RetentionPorts {
  /** Tenants with a vault. */
  tenants(): Promise<string[]>;
  /** Opens the tenant's sweep log entry (`running`); its id. */
  startSweep(tenantId: string, now: Date): Promise<string>;
  /** Committed snapshots of held units due within the horizon (or past), soonest first, at most `limit`. */
  heldSnapshots(tenantId: string, now: Date, limit: number): Promise<HeldSnapshotRecord[]>;
  /** The date held snapshots' locks are raised to. */
  extensionDate(now: Date): Date;
  /** Raises the vault locks of everything the snapshot needs to at least `until` (writer identity). */
  raiseVaultLocks(tenantId: string, vaultSnapshotId: string, until: Date): Promise<void>;
  /** Moves the catalogue's retain-until to `until`, once the vault holds it. */
  recordExtension(tenantId: string, snapshotId: string, until: Date): Promise<void>;
  /** Marks committed, unheld snapshots past their retain-until `expired`; the number. */
  expire(tenantId: string, now: Date): Promise<number>;
  /** Runs the vault's GC (gc identity, not a dry run) and stores its report on the sweep; counts back. */
  collectGarbage(tenantId: string, sweepId: string): Promise<{ snapshotsDeleted: number; packsDeleted: number; indexesDeleted: number; problems: number }>;
  /** Closes the sweep log entry and audits `retention.swept`. */
  finishSweep(tenantId: string, sweepId: string, outcome: { expiredSnapshots: number; heldExtended: number; error?: string }): Promise<void>;
}
