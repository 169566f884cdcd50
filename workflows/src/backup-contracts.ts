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
});
export type BackupSourceInput = z.infer<typeof BackupSourceInput>;

export const BackupSourceResult = z.object({
  runId: Uuid,
  status: RunStatus,
  units: z.number().int().nonnegative(),
  failedUnits: z.number().int().nonnegative(),
  stats: SegmentStats,
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
