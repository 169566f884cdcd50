// The daily restore drills' Schedule (issue 7's verifyVault), upserted by every worker that has the
// drill ports, like the retention sweep's. 04:30 UTC: after the retention sweep (02:30) has run GC,
// so a drill reads the vault as it will stay.
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from "@temporalio/client";
import { TASK_QUEUES } from "./contracts";
import { upsertSchedule } from "./schedules";
import { drillWorkflowIds, VERIFY_VAULTS_SCHEDULE_ID, type VerifyVaultsInput } from "./drill-contracts";

function drillOptions(taskQueue: string): ScheduleOptions {
  const input: VerifyVaultsInput = {};
  return {
    scheduleId: VERIFY_VAULTS_SCHEDULE_ID,
    spec: { calendars: [{ hour: 4, minute: 30, comment: "restore drills" }] },
    // Temporal appends the scheduled time to this id, so each run has its own.
    action: { type: "startWorkflow", workflowType: "verifyVaults", workflowId: drillWorkflowIds.verifyVaults("scheduled"), taskQueue, args: [input] },
    // SKIP: drills still going a day later are not doubled.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "6 hours", pauseOnFailure: false },
  };
}

/** Creates the daily drill schedule or brings it in line; a pause set by an operator is kept. */
export function upsertVerifyVaultsSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  return upsertSchedule(client, drillOptions(opts.taskQueue ?? TASK_QUEUES.main));
}
