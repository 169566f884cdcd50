// What the API needs from the job runner (Temporal): start the durable workflows behind a
// request and keep a source's schedule in line. The REST handler and tRPC receive one of these;
// `createTemporalJobs` is the real one. Payloads carry ids only, never credentials or content.
// It is also the services' GuardRunner: the verbs of guarded requests receive it as `{ guard: jobs }`.
import type { GuardRunner } from "@holdfast/services";
import type { SourceSchedule } from "@holdfast/workflows";

export interface JobsPort extends GuardRunner {
  /** Starts `backupSource` under `workflowId` (the backup run's row already carries that id). */
  startBackup(input: { tenantId: string; sourceId: string; workflowId: string; unitIds?: string[] }): Promise<void>;
  /** Creates or updates the source's Temporal Schedule. */
  upsertSourceSchedule(schedule: SourceSchedule): Promise<void>;
  /** Starts the workflow of a recorded restore job. */
  startRestore(input: { tenantId: string; restoreId: string }): Promise<void>;
  /** Starts the workflow of a recorded export job. */
  startExport(input: { tenantId: string; restoreId: string }): Promise<void>;
  close(): Promise<void>;
}
