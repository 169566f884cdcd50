// Backup payloads (issue 5). IDs, cursors and counts only: no credentials, no item content, no
// per-item lists (a unit may hold millions of items; history would not).
import { z } from "zod";

export const RunTrigger = z.enum(["scheduled", "on_demand"]);
export type RunTrigger = z.infer<typeof RunTrigger>;

/** `completed_with_warnings`: some items could not be captured; each is in the run's issues. */
export const RunStatus = z.enum(["completed", "completed_with_warnings", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;

/** Why an item (or a unit) was not captured. Never dropped: every one is recorded and shown. */
export const IssueCode = z.enum(["rate_limited", "unsupported", "permission", "not_found", "too_large", "failed", "disconnected", "resync"]);
export type IssueCode = z.infer<typeof IssueCode>;

export const SegmentStats = z.object({
  listed: z.number().int().nonnegative(),
  /** Items whose content was read and stored (new or changed). */
  stored: z.number().int().nonnegative(),
  /** Items whose content was kept from the parent snapshot (unchanged, moved, relabelled). */
  carried: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  bytesRead: z.number().int().nonnegative(),
  bytesUploaded: z.number().int().nonnegative(),
  issues: z.number().int().nonnegative(),
});
export type SegmentStats = z.infer<typeof SegmentStats>;

export const EMPTY_STATS: SegmentStats = { listed: 0, stored: 0, carried: 0, deleted: 0, bytesRead: 0, bytesUploaded: 0, issues: 0 };

export function addStats(a: SegmentStats, b: SegmentStats): SegmentStats {
  return {
    listed: a.listed + b.listed,
    stored: a.stored + b.stored,
    carried: a.carried + b.carried,
    deleted: a.deleted + b.deleted,
    bytesRead: a.bytesRead + b.bytesRead,
    bytesUploaded: a.bytesUploaded + b.bytesUploaded,
    issues: a.issues + b.issues,
  };
}

const Uuid = z.string().uuid();

export const BackupSourceInput = z.object({
  tenantId: Uuid,
  sourceId: Uuid,
  trigger: RunTrigger,
  /** On-demand backup of some units only; absent = every protected unit. */
  unitIds: z.array(Uuid).max(10_000).optional(),
  /** Children running at once for this source (per-tenant and per-provider bounds, ADR 0008). */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Segment limits for every unit of the run (default DEFAULT_SEGMENT_BUDGET); smaller = more, shorter checkpoints. */
  segmentBudget: z.lazy(() => SegmentBudget).optional(),
  /** Children started per workflow run before continue-as-new (default CHILDREN_PER_RUN); tests make it small. */
  childrenPerRun: z.number().int().min(1).max(5_000).optional(),
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  resume: z.lazy(() => BackupSourceProgress).optional(),
});
export type BackupSourceInput = z.infer<typeof BackupSourceInput>;

/** Failed units named (with their reasons) in a run's result and summary; the rest are counted. */
export const FAILED_UNITS_LISTED = 20;

/** What the units backed up so far add up to: all a run's verdict and summary need, bounded in size. */
export const RunTally = z.object({
  units: z.number().int().nonnegative(),
  failedUnits: z.number().int().nonnegative(),
  /** Units that completed with some items not captured. */
  warnedUnits: z.number().int().nonnegative(),
  stats: SegmentStats,
  /** The first FAILED_UNITS_LISTED failed units in the order they ended; every one is also a run issue. */
  failures: z.array(z.object({ unitId: Uuid, error: z.string().max(1_000) })).max(FAILED_UNITS_LISTED),
});
export type RunTally = z.infer<typeof RunTally>;

/** Where a source's run stands when it continues as new (discovery is not repeated). */
export const BackupSourceProgress = z.object({
  runId: Uuid,
  /** Units not started yet, in discovery order. */
  queue: z.array(Uuid),
  tally: RunTally,
  /** Continue-as-new hops so far. */
  hops: z.number().int().nonnegative(),
});
export type BackupSourceProgress = z.infer<typeof BackupSourceProgress>;

export const BackupSourceResult = z.object({
  runId: Uuid,
  status: RunStatus,
  units: z.number().int().nonnegative(),
  failedUnits: z.number().int().nonnegative(),
  stats: SegmentStats,
  /** Failed units with their reasons (the first FAILED_UNITS_LISTED; `failedUnits` counts them all). */
  failures: z.array(z.object({ unitId: Uuid, error: z.string() })).optional(),
  /** Continue-as-new hops the run took. */
  hops: z.number().int().nonnegative().optional(),
});
export type BackupSourceResult = z.infer<typeof BackupSourceResult>;

/** Limits of one segment: the unit's work between two committed checkpoints. */
export const SegmentBudget = z.object({
  maxItems: z.number().int().min(1).max(1_000_000),
  maxMs: z.number().int().min(1_000).max(60 * 60_000),
});
export type SegmentBudget = z.infer<typeof SegmentBudget>;
export const DEFAULT_SEGMENT_BUDGET: SegmentBudget = { maxItems: 5_000, maxMs: 5 * 60_000 };

/** Where a unit's backup stands between segments (workflow state, carried across continue-as-new). */
export const UnitProgress = z.object({
  /** The vault snapshot the next segment continues from. */
  parent: z.string().nullable(),
  /** Where listing continues; null = start a full enumeration. */
  cursor: z.string().nullable(),
  /** This enumeration lists every item (first run or resync): unlisted items are deleted at the end. */
  full: z.boolean(),
  /** Names the current full enumeration, so items it listed are recognised across segments. */
  enumeration: z.string(),
  stats: SegmentStats,
  segments: z.number().int().nonnegative(),
});
export type UnitProgress = z.infer<typeof UnitProgress>;

export const BackupUnitInput = z.object({
  tenantId: Uuid,
  sourceId: Uuid,
  unitId: Uuid,
  runId: Uuid,
  budget: SegmentBudget.optional(),
  /** Set by the workflow itself when it continues as new. */
  resume: UnitProgress.optional(),
});
export type BackupUnitInput = z.infer<typeof BackupUnitInput>;

export const BackupUnitResult = z.object({
  unitId: Uuid,
  status: z.enum(["completed", "completed_with_warnings", "failed"]),
  vaultSnapshotId: z.string().nullable(),
  stats: SegmentStats,
  error: z.string().optional(),
});
export type BackupUnitResult = z.infer<typeof BackupUnitResult>;

export const UnitSegmentInput = z.object({
  tenantId: Uuid,
  sourceId: Uuid,
  unitId: Uuid,
  runId: Uuid,
  progress: UnitProgress,
  budget: SegmentBudget,
});
export type UnitSegmentInput = z.infer<typeof UnitSegmentInput>;

export const UnitSegmentResult = z.object({
  vaultSnapshotId: z.string(),
  /** The progress to continue from (cursor kept for the next run when done). */
  progress: UnitProgress,
  done: z.boolean(),
  stats: SegmentStats,
});
export type UnitSegmentResult = z.infer<typeof UnitSegmentResult>;

export const PrepareBackupResult = z.object({ runId: Uuid, unitIds: z.array(Uuid) });
export type PrepareBackupResult = z.infer<typeof PrepareBackupResult>;

export const backupWorkflowIds = {
  backupSource: (sourceId: string, runKey: string): string => `backup-source:${sourceId}:${runKey}`,
  backupUnit: (runId: string, unitId: string): string => `backup-unit:${runId}:${unitId}`,
};

/** Segments per backupUnit run before continue-as-new (each costs ~6 history events). */
export const SEGMENTS_PER_RUN = 200;

/**
 * Children per backupSource run before continue-as-new: each costs ~10 history events (initiated,
 * started, completed and the workflow tasks around them), so 1,000 stay far below Temporal's
 * 51,200-event and 50 MB limits while keeping hops rare.
 */
export const CHILDREN_PER_RUN = 1_000;

// Maintenance (docs/adr/0014-run-hygiene-and-maintenance.md): an hourly sweep over the tenants
// with expired export archives or idempotency records. Tenant ids and counts only.

/** Tenants swept per maintenance run before continue-as-new (each costs ~6 history events). */
export const TENANTS_PER_MAINTENANCE_RUN = 500;
/** Problems (a tenant's sweep failing, an archive not deleted) named in the result; the rest are counted. */
export const MAINTENANCE_PROBLEMS_LISTED = 20;

export const MaintenanceTenantsInput = z.object({ at: z.string().datetime() });
export type MaintenanceTenantsInput = z.infer<typeof MaintenanceTenantsInput>;

export const SweepTenantInput = z.object({ tenantId: Uuid, at: z.string().datetime() });
export type SweepTenantInput = z.infer<typeof SweepTenantInput>;

export const TenantSweepResult = z.object({
  tenantId: Uuid,
  exportsDeleted: z.number().int().nonnegative(),
  exportsFailed: z.number().int().nonnegative(),
  failures: z.array(z.object({ exportId: Uuid, reason: z.string() })),
  idempotencyKeysDeleted: z.number().int().nonnegative(),
});
export type TenantSweepResult = z.infer<typeof TenantSweepResult>;

export const MaintenanceProblem = z.object({ tenantId: Uuid, exportId: Uuid.optional(), reason: z.string().max(1_000) });
export type MaintenanceProblem = z.infer<typeof MaintenanceProblem>;

export const MaintenanceTotals = z.object({
  tenants: z.number().int().nonnegative(),
  exportsDeleted: z.number().int().nonnegative(),
  exportsFailed: z.number().int().nonnegative(),
  idempotencyKeysDeleted: z.number().int().nonnegative(),
  /** Tenants whose sweep failed after its retries (the next hourly run tries again). */
  failedTenants: z.number().int().nonnegative(),
  problems: z.array(MaintenanceProblem).max(MAINTENANCE_PROBLEMS_LISTED),
});
export type MaintenanceTotals = z.infer<typeof MaintenanceTotals>;

export const MaintenanceInput = z.object({
  tenantsPerRun: z.number().int().min(1).max(5_000).optional(),
  concurrency: z.number().int().min(1).max(16).optional(),
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  resume: z.object({ at: z.string().datetime(), queue: z.array(Uuid), totals: MaintenanceTotals, hops: z.number().int().nonnegative() }).optional(),
});
export type MaintenanceInput = z.infer<typeof MaintenanceInput>;

export const MaintenanceResult = MaintenanceTotals.extend({ at: z.string().datetime(), hops: z.number().int().nonnegative() });
export type MaintenanceResult = z.infer<typeof MaintenanceResult>;

export const maintenanceWorkflowIds = {
  /** The schedule appends the scheduled time; a manual run picks its own key. */
  maintenance: (runKey: string): string => `maintenance:${runKey}`,
};
