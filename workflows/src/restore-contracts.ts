// Restore payloads: a job id and a cursor; the selection, target and policy live in the job's row.
import { z } from "zod";

export const RestoreInput = z.object({ tenantId: z.string().uuid(), restoreId: z.string().uuid() });
export type RestoreInput = z.infer<typeof RestoreInput>;

export const RestoreCounts = z.object({
  created: z.number().int().nonnegative(),
  replaced: z.number().int().nonnegative(),
  copied: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type RestoreCounts = z.infer<typeof RestoreCounts>;
export const ZERO_COUNTS: RestoreCounts = { created: 0, replaced: 0, copied: 0, skipped: 0, failed: 0 };

export const RestoreBatchInput = RestoreInput.extend({ cursor: z.string().nullable(), limit: z.number().int().min(1).max(5000) });
export type RestoreBatchInput = z.infer<typeof RestoreBatchInput>;
export const RestoreBatchResult = z.object({ cursor: z.string().nullable(), counts: RestoreCounts });
export type RestoreBatchResult = z.infer<typeof RestoreBatchResult>;

/** `completed`: every item restored or deliberately skipped; `completed_with_errors`: some failed. */
export const RestoreStatus = z.enum(["completed", "completed_with_errors", "failed"]);
export type RestoreStatus = z.infer<typeof RestoreStatus>;

export const RestoreResult = z.object({ restoreId: z.string().uuid(), status: RestoreStatus, counts: RestoreCounts, error: z.string().optional() });
export type RestoreResult = z.infer<typeof RestoreResult>;

export const RESTORE_BATCH = 200;
export const RESTORE_BATCHES_PER_RUN = 500;
export const restoreWorkflowId = (restoreId: string): string => `restore:${restoreId}`;
