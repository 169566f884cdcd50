// One Temporal Schedule per source: `timesPerDay` runs spread evenly over the source's local
// day (first at 01:00), each delayed by a random jitter so thousands of tenants do not hit the
// providers on the same minute. Overlap policy SKIP: while a run is still going, the next
// scheduled one is skipped rather than queued — a backup is incremental, so the following run
// picks up everything, and queued runs would only pile onto a source that is already slow
// (throttled, huge first backup). A missed time (worker or cluster down) is caught up within
// the catch-up window, once.
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleOptions } from "@temporalio/client";
import { z } from "zod";
import { type BackupSourceInput, backupWorkflowIds, type MaintenanceInput, maintenanceWorkflowIds, TASK_QUEUES } from "./contracts";
import { WEBHOOK_DELIVERIES_SCHEDULE_ID, webhookDeliveriesWorkflowId, type WebhookDeliveriesInput } from "./webhook-contracts";

export const SourceSchedule = z.object({
  tenantId: z.string().uuid(),
  sourceId: z.string().uuid(),
  timesPerDay: z.number().int().min(1).max(24),
  jitterMinutes: z.number().int().min(0).max(720),
  timezone: z.string().min(1),
  paused: z.boolean(),
});
export type SourceSchedule = z.infer<typeof SourceSchedule>;

export const scheduleIdFor = (sourceId: string): string => `backup-schedule:${sourceId}`;

/** The local times of day (hour, minute) a source's backups start at, before jitter. */
export function scheduleTimes(timesPerDay: number): { hour: number; minute: number }[] {
  const step = 1440 / timesPerDay;
  return Array.from({ length: timesPerDay }, (_, i) => {
    const at = Math.round(60 + i * step) % 1440;
    return { hour: Math.floor(at / 60), minute: at % 60 };
  });
}

function options(s: SourceSchedule, taskQueue: string): ScheduleOptions {
  const input: BackupSourceInput = { tenantId: s.tenantId, sourceId: s.sourceId, trigger: "scheduled" };
  return {
    scheduleId: scheduleIdFor(s.sourceId),
    spec: {
      calendars: scheduleTimes(s.timesPerDay).map((t) => ({ hour: t.hour, minute: t.minute, comment: "backup" })),
      jitter: `${s.jitterMinutes} minutes`,
      timezone: s.timezone,
    },
    action: {
      type: "startWorkflow",
      workflowType: "backupSource",
      // Temporal appends the scheduled time to this id, so each run has its own.
      workflowId: backupWorkflowIds.backupSource(s.sourceId, "scheduled"),
      taskQueue,
      args: [input],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1 hour", pauseOnFailure: false },
    state: { paused: s.paused, note: s.paused ? "paused by an admin" : undefined },
  };
}

/** Creates the source's schedule or brings it in line with the source's settings. */
export async function upsertSourceSchedule(client: Client, raw: SourceSchedule, opts: { taskQueue?: string } = {}): Promise<void> {
  const s = SourceSchedule.parse(raw);
  const o = options(s, opts.taskQueue ?? TASK_QUEUES.main);
  const handle = client.schedule.getHandle(o.scheduleId);
  try {
    await handle.update((prev) => ({ ...prev, spec: o.spec, action: o.action, policies: { ...prev.policies, ...o.policies }, state: { ...prev.state, paused: s.paused } }));
  } catch (e) {
    if (!(e instanceof ScheduleNotFoundError)) throw e;
    await client.schedule.create(o);
  }
}

export async function deleteSourceSchedule(client: Client, sourceId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleIdFor(sourceId)).delete();
  } catch (e) {
    if (!(e instanceof ScheduleNotFoundError)) throw e;
  }
}

/** An on-demand backup of a source (or of some of its units), outside the schedule. */
export async function startBackupSource(client: Client, input: Omit<BackupSourceInput, "trigger">, opts: { taskQueue?: string; at?: Date } = {}): Promise<string> {
  const args: BackupSourceInput = { ...input, trigger: "on_demand" };
  const workflowId = backupWorkflowIds.backupSource(input.sourceId, `on-demand-${(opts.at ?? new Date()).toISOString()}`);
  await client.workflow.start("backupSource", { taskQueue: opts.taskQueue ?? TASK_QUEUES.main, workflowId, args: [args] });
  return workflowId;
}

export const MAINTENANCE_SCHEDULE_ID = "maintenance-schedule";

function maintenanceOptions(taskQueue: string): ScheduleOptions {
  const input: MaintenanceInput = {};
  return {
    scheduleId: MAINTENANCE_SCHEDULE_ID,
    spec: { intervals: [{ every: "1 hour" }] },
    action: {
      type: "startWorkflow",
      workflowType: "maintenance",
      // Temporal appends the scheduled time to this id, so each run has its own.
      workflowId: maintenanceWorkflowIds.maintenance("scheduled"),
      taskQueue,
      args: [input],
    },
    // SKIP: a sweep still going when the next is due is not doubled; the next one catches up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1 hour", pauseOnFailure: false },
  };
}

/**
 * Creates a schedule or brings its spec, action and policies in line with `o`, keeping the rest of
 * its state (an operator's pause). Every worker calls this at start-up for the schedules it serves;
 * two starting at once are fine (the second updates what the first created).
 */
export async function upsertSchedule(client: Client, o: ScheduleOptions): Promise<void> {
  const handle = client.schedule.getHandle(o.scheduleId);
  const update = () => handle.update((prev) => ({ ...prev, spec: o.spec, action: o.action, policies: { ...prev.policies, ...o.policies } }));
  try {
    await update();
  } catch (e) {
    if (!(e instanceof ScheduleNotFoundError)) throw e;
    try {
      await client.schedule.create(o);
    } catch (created) {
      // Another worker starting at the same moment created it first.
      if (!(created instanceof ScheduleAlreadyRunning)) throw created;
      await update();
    }
  }
}

/**
 * The hourly maintenance schedule (docs/adr/0014-run-hygiene-and-maintenance.md), upserted by every
 * worker at start-up: created when missing, its spec, action and policies brought in line
 * otherwise. A pause set by an operator is kept.
 */
export function upsertMaintenanceSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  return upsertSchedule(client, maintenanceOptions(opts.taskQueue ?? TASK_QUEUES.main));
}

/**
 * The webhook sender's schedule (issue 7): every minute, overlap SKIP (a slow receiver holding up a
 * run delays the next, never doubles it), no catch-up beyond a minute (a run sends all that is due).
 * Upserted by every worker at start-up that serves it; an operator's pause is kept.
 */
export function upsertWebhookDeliveriesSchedule(client: Client, opts: { taskQueue?: string } = {}): Promise<void> {
  const input: WebhookDeliveriesInput = {};
  return upsertSchedule(client, {
    scheduleId: WEBHOOK_DELIVERIES_SCHEDULE_ID,
    spec: { intervals: [{ every: "1 minute" }] },
    action: { type: "startWorkflow", workflowType: "webhookDeliveries", workflowId: webhookDeliveriesWorkflowId("scheduled"), taskQueue: opts.taskQueue ?? TASK_QUEUES.main, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1 minute", pauseOnFailure: false },
  });
}
