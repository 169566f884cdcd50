// Runs left open by a dead workflow, closed when the source's next run starts. Whether a run's
// workflow still runs is asked of Temporal itself (the activity's client), not guessed from the
// run's age: a first backup of a large tenant legitimately runs for days, while a terminated run
// is dead at once. A run recorded moments ago may not have its workflow started yet (an on-demand
// request records the row first), so runs younger than ABANDON_GRACE_MS are left alone.
import { type Client, WorkflowNotFoundError } from "@temporalio/client";
import type { RunBookkeeping } from "./ports";

export const ABANDONED_SUMMARY = "abandoned: its workflow ended without finishing the run";
export const ABANDON_GRACE_MS = 10 * 60_000;

/** Whether the workflow (its latest run, across continue-as-new) is still running. */
export function temporalWorkflowRunning(client: Client): (workflowId: string) => Promise<boolean> {
  return async (workflowId) => {
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      return d.status.name === "RUNNING";
    } catch (e) {
      // Unknown to Temporal: never started, or closed so long ago its history is gone.
      if (e instanceof WorkflowNotFoundError || (e as { code?: unknown }).code === 5) return false;
      throw e;
    }
  };
}

export interface AbandonedRun {
  runId: string;
  workflowId: string;
  snapshotsClosed: number;
}

export async function closeAbandonedRuns(
  runs: RunBookkeeping,
  input: { tenantId: string; sourceId: string; runId: string; now: Date; running: (workflowId: string) => Promise<boolean> },
): Promise<AbandonedRun[]> {
  const closed: AbandonedRun[] = [];
  const open = await runs.openRuns(input.tenantId, input.sourceId, { exceptRunId: input.runId, startedBefore: new Date(input.now.getTime() - ABANDON_GRACE_MS) });
  for (const r of open) {
    if (await input.running(r.workflowId)) continue;
    const { abandoned, snapshotsClosed } = await runs.abandon(input.tenantId, r.runId, ABANDONED_SUMMARY);
    if (abandoned) closed.push({ runId: r.runId, workflowId: r.workflowId, snapshotsClosed });
  }
  return closed;
}
