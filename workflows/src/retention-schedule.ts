// The daily retention sweep's Schedule (docs/adr/0018-retention-policies.md, "Sweep"), upserted by
// every worker that has the retention ports, like the maintenance schedule. 02:30 UTC: after the
// first backups of most time zones' nights, so the day's new snapshots are in before GC marks.
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from "@temporalio/client";
import { TASK_QUEUES } from "./contracts";
import { upsertSchedule } from "./schedules";
import { type RetentionSweepsInput, retentionWorkflowIds } from "./retention-contracts";

export const RETENTION_SWEEP_SCHEDULE_ID = "retention-sweep-schedule";

function retentionOptions(taskQueue: string): ScheduleOptions {
  const input: RetentionSweepsInput = {};
  return {
    scheduleId: RETENTION_SWEEP_SCHEDULE_ID,
    spec: { calendars: [{ hour: 2, minute: 30, comment: "retention sweep" }] },
    action: {
      type: "startWorkflow",
      workflowType: "retentionSweeps",
      // Temporal appends the scheduled time to this id, so each run has its own.
      workflowId: retentionWorkflowIds.retentionSweeps("scheduled"),
      taskQueue,
      args: [input],
    },
    // SKIP: a sweep still going a day later is not doubled (two GCs of one vault are safe, but useless).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "6 hours", pauseOnFailure: false },
  };
}

/** Creates the schedule or brings it in line; a pause set by an operator is kept. */
export function upsertRetentionSweepSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  return upsertSchedule(client, retentionOptions(opts.taskQueue ?? TASK_QUEUES.main));
}
