// Boundary schemas for jobs: a backup run or a restore/export job seen through one shape, with its
// progress and what it could not do (one name for schema and type, CONVENTIONS §8).
import { RESTORE_STATUSES, RUN_STATUSES } from "@holdfast/db";
import { z } from "zod";

const id = z.string().uuid();

export const JOB_KINDS = ["backup", "restore", "export"] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

export const JobStatus = z.enum([...new Set([...RUN_STATUSES, ...RESTORE_STATUSES])] as [string, ...string[]]);
export type JobStatus = z.infer<typeof JobStatus>;

/** The most warnings a job lists; `warningCount` says how many there are in all. */
export const MAX_JOB_WARNINGS = 100;

export const JobWarning = z.object({
  /** Why: a backup issue's reason (`permission`, `rate_limited`…) or a restore item's outcome (`failed`, `skipped`). */
  code: z.string(),
  message: z.string(),
  /** The provider's id of the item concerned, when there is one. */
  itemRef: z.string().optional(),
  /** The item's path, when known. */
  path: z.string().optional(),
  unitId: id.optional(),
});
export type JobWarning = z.infer<typeof JobWarning>;

export const JobProgress = z.object({
  /** Backups: new or changed items captured so far (each committed segment adds its own). Restores and exports: items dealt with. */
  itemsDone: z.number().int(),
  /** Known once the job has finished (restores and exports). */
  itemsTotal: z.number().int().optional(),
  /** Backups: size of the content captured so far. Exports: the archive's size once written. */
  bytesDone: z.number().int(),
});
export type JobProgress = z.infer<typeof JobProgress>;

const JobFields = {
  id,
  kind: JobKind,
  status: JobStatus,
  progress: JobProgress,
  warningCount: z.number().int(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  sourceId: id,
  /** The unit a one-unit backup, a restore or an export is about. */
  unitId: id.optional(),
  /** How it ended, in words (what failed, how many items were not captured). */
  summary: z.string().optional(),
  /** Finished exports: where to download the archive. */
  downloadUrl: z.string().optional(),
};

export const Job = z.object({ ...JobFields, warnings: z.array(JobWarning).describe(`The first ${MAX_JOB_WARNINGS}; warningCount has the total`) });
export type Job = z.infer<typeof Job>;

/** A job as listed: without its warnings (get the job for those). */
export const JobListItem = z.object(JobFields);
export type JobListItem = z.infer<typeof JobListItem>;

export const ListJobsInput = z.object({
  sourceId: id.optional(),
  kind: JobKind.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListJobsInput = z.input<typeof ListJobsInput>;

export const JobPage = z.object({ items: z.array(JobListItem), nextCursor: z.string().nullable() });
export type JobPage = z.infer<typeof JobPage>;

export const RequestBackupInput = z.object({
  /** Back up only these units of the source; absent = every protected unit. */
  unitIds: z.array(id).min(1, "give at least one unit, or leave unitIds out for the whole source").max(1000).optional(),
});
export type RequestBackupInput = z.input<typeof RequestBackupInput>;

export const JobAccepted = z.object({ jobId: id.describe("Poll GET /jobs/{jobId} for progress") });
export type JobAccepted = z.infer<typeof JobAccepted>;

/**
 * What the verbs that start work need from the job runner (the API's JobsPort satisfies it):
 * start the workflow of a recorded job. Payloads carry ids only.
 */
export interface JobStarter {
  startBackup(input: { tenantId: string; sourceId: string; workflowId: string; unitIds?: string[] }): Promise<void>;
  startRestore(input: { tenantId: string; restoreId: string }): Promise<void>;
}
