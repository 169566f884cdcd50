// The hourly protection check's schedule, upserted by every worker at start-up like the
// maintenance schedule (an operator's pause is kept).
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from "@temporalio/client";
import { TASK_QUEUES } from "./contracts";
import { upsertSchedule } from "./schedules";
import { PROTECTION_SCHEDULE_ID, protectionCheckWorkflowId, type ProtectionCheckInput } from "./protection-contracts";

function protectionOptions(taskQueue: string): ScheduleOptions {
  const input: ProtectionCheckInput = {};
  return {
    scheduleId: PROTECTION_SCHEDULE_ID,
    spec: { intervals: [{ every: "1 hour" }] },
    action: { type: "startWorkflow", workflowType: "protectionCheck", workflowId: protectionCheckWorkflowId("scheduled"), taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1 hour", pauseOnFailure: false },
  };
}

/** Creates the schedule or brings it in line; a pause set by an operator is kept. */
export function upsertProtectionSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  return upsertSchedule(client, protectionOptions(opts.taskQueue ?? TASK_QUEUES.main));
}
