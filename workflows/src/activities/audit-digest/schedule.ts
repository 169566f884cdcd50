// The daily audit-digest schedule, upserted by the worker at start-up next to the maintenance one.
// 01:00 UTC: past the digests' grace period after midnight (AUDIT_DIGEST_GRACE_MS, 30 minutes).
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from "@temporalio/client";
import { type AuditDigestInput, auditDigestWorkflowIds } from "../../audit-digest-contracts";
import { TASK_QUEUES } from "../../contracts";
import { upsertSchedule } from "../../schedules";

export const AUDIT_DIGEST_SCHEDULE_ID = "audit-digest-schedule";

function auditDigestOptions(taskQueue: string): ScheduleOptions {
  const input: AuditDigestInput = {};
  return {
    scheduleId: AUDIT_DIGEST_SCHEDULE_ID,
    spec: { calendars: [{ hour: 1, minute: 0, comment: "daily audit digests" }], timezone: "UTC" },
    action: {
      type: "startWorkflow",
      workflowType: "auditDigest",
      // Temporal appends the scheduled time to this id, so each run has its own.
      workflowId: auditDigestWorkflowIds.auditDigest("scheduled"),
      taskQueue,
      args: [input],
    },
    // SKIP: a run still going is not doubled; each run catches up the last days anyway.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1 day", pauseOnFailure: false },
  };
}

/** Created when missing; spec, action and policies brought in line otherwise. An operator's pause is kept. */
export function upsertAuditDigestSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  return upsertSchedule(client, auditDigestOptions(opts.taskQueue ?? TASK_QUEUES.main));
}
