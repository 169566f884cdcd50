// The retention sweep's boundary (docs/adr/0018-retention-policies.md, "Sweep"): ids, dates and
// counts only. The GC report itself goes to the tenant's sweep log, not into workflow history.
import { z } from "zod";

const Uuid = z.string().uuid();

/** Tenants swept per parent run before it continues as new. */
export const TENANTS_PER_RETENTION_RUN = 500;
/** Held snapshots extended per activity call; the workflow calls again while there are more. */
export const HELD_EXTEND_PAGE = 200;
/** Failed tenants named in the parent's result; the rest are counted. */
export const RETENTION_PROBLEMS_LISTED = 20;

export const RetentionSweepInput = z.object({ tenantId: Uuid, at: z.string().datetime() }).strict();
export type RetentionSweepInput = z.infer<typeof RetentionSweepInput>;

export const RetentionSweepResult = z.object({
  tenantId: Uuid,
  sweepId: Uuid,
  status: z.enum(["completed", "failed"]),
  expiredSnapshots: z.number().int().nonnegative(),
  heldExtended: z.number().int().nonnegative(),
  gcSnapshotsDeleted: z.number().int().nonnegative(),
  gcPacksDeleted: z.number().int().nonnegative(),
  gcProblems: z.number().int().nonnegative(),
  error: z.string().optional(),
});
export type RetentionSweepResult = z.infer<typeof RetentionSweepResult>;

export const RetentionSweepTotals = z.object({
  tenants: z.number().int().nonnegative(),
  failedTenants: z.number().int().nonnegative(),
  expiredSnapshots: z.number().int().nonnegative(),
  heldExtended: z.number().int().nonnegative(),
  problems: z.array(z.object({ tenantId: Uuid, reason: z.string() })),
});
export type RetentionSweepTotals = z.infer<typeof RetentionSweepTotals>;

export const RetentionSweepsInput = z
  .object({
    tenantsPerRun: z.number().int().min(1).max(5_000).optional(),
    concurrency: z.number().int().min(1).max(16).optional(),
    /** Set by the workflow itself when it continues as new; callers leave it out. */
    resume: z.object({ at: z.string().datetime(), queue: z.array(Uuid), totals: RetentionSweepTotals, hops: z.number().int().nonnegative() }).optional(),
  })
  .strict();
export type RetentionSweepsInput = z.infer<typeof RetentionSweepsInput>;

export type RetentionSweepsResult = RetentionSweepTotals & { at: string; hops: number };

// Activity inputs.
export const RetentionTenantsInput = z.object({ at: z.string().datetime() }).strict();
export type RetentionTenantsInput = z.infer<typeof RetentionTenantsInput>;
export const BeginRetentionSweepInput = z.object({ tenantId: Uuid, at: z.string().datetime() }).strict();
export type BeginRetentionSweepInput = z.infer<typeof BeginRetentionSweepInput>;
export const ExtendHeldSnapshotsInput = z.object({ tenantId: Uuid, at: z.string().datetime(), limit: z.number().int().min(1).max(1_000) }).strict();
export type ExtendHeldSnapshotsInput = z.infer<typeof ExtendHeldSnapshotsInput>;
export const ExpireSnapshotsInput = z.object({ tenantId: Uuid, at: z.string().datetime() }).strict();
export type ExpireSnapshotsInput = z.infer<typeof ExpireSnapshotsInput>;
export const CollectVaultGarbageInput = z.object({ tenantId: Uuid, sweepId: Uuid }).strict();
export type CollectVaultGarbageInput = z.infer<typeof CollectVaultGarbageInput>;
export const FinishRetentionSweepInput = z
  .object({ tenantId: Uuid, sweepId: Uuid, expiredSnapshots: z.number().int().nonnegative(), heldExtended: z.number().int().nonnegative(), error: z.string().optional() })
  .strict();
export type FinishRetentionSweepInput = z.infer<typeof FinishRetentionSweepInput>;

export interface GcSummary {
  snapshotsDeleted: number;
  packsDeleted: number;
  indexesDeleted: number;
  problems: number;
}

export const retentionWorkflowIds = {
  /** The schedule appends the scheduled time; a manual run picks its own key. */
  retentionSweeps: (runKey: string): string => `retention-sweeps:${runKey}`,
  /** One tenant's sweep of one parent run: the day is the business key. */
  retentionSweep: (tenantId: string, at: string): string => `retention-sweep:${tenantId}:${at}`,
};
