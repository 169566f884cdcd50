// The JobsPort over a Temporal client, connected on first use.
import type { GuardApproval } from "@holdfast/services";
import { GUARD_APPROVE_UPDATE, GUARD_CANCELLED_SIGNAL, GUARD_REFUSED, TASK_QUEUES, upsertSourceSchedule, type GuardApproveArgs, type GuardedRequestInput } from "@holdfast/workflows";
import { restoreWorkflowId } from "@holdfast/workflows/contracts";
import { ApplicationFailure, Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError } from "@temporalio/client";
import type { JobsPort } from "./port";

const REFUSAL_CODES = ["FORBIDDEN", "CONFLICT", "NOT_FOUND"] as const;
type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The error and its causes, outermost first (WorkflowUpdateFailedError → ActivityFailure → ApplicationFailure). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/**
 * What a failed approval means for the approver: the database's guard refused it (the activity's
 * GUARD_REFUSED failure), the workflow's validator rejected it (cancelled / already approved), or
 * the workflow no longer runs. Anything else is not an answer, and is rethrown by the caller.
 */
export function approvalRefusal(err: unknown): Extract<GuardApproval, { approved: false }> | null {
  const chain = causeChain(err);
  for (const e of chain) {
    if (e instanceof ApplicationFailure && e.type === GUARD_REFUSED) {
      const detail = e.details?.[0];
      const code: RefusalCode = REFUSAL_CODES.includes(detail as RefusalCode) ? (detail as RefusalCode) : "FORBIDDEN";
      return { approved: false, code, reason: e.message };
    }
  }
  if (chain.some((e) => e instanceof WorkflowNotFoundError)) return { approved: false, code: "CONFLICT", reason: "This request is no longer waiting for approval" };
  for (const e of chain) {
    // The validator's rejection reaches us as an ApplicationFailure under WorkflowUpdateFailedError.
    if ((e instanceof ApplicationFailure || e instanceof WorkflowUpdateFailedError) && /cancelled|already approved/i.test(e.message)) return { approved: false, code: "CONFLICT", reason: e.message };
  }
  return null;
}

export interface TemporalJobsOptions {
  address: string;
  namespace: string;
  taskQueue?: string;
  /** Use an existing client (tests); the port then does not close it. */
  client?: Client;
}

export function createTemporalJobs(opts: TemporalJobsOptions): JobsPort {
  const taskQueue = opts.taskQueue ?? TASK_QUEUES.main;
  let connecting: Promise<{ client: Client; connection?: Connection }> | undefined;
  const get = async (): Promise<Client> => {
    connecting ??= opts.client
      ? Promise.resolve({ client: opts.client })
      : Connection.connect({ address: opts.address }).then((connection) => ({ connection, client: new Client({ connection, namespace: opts.namespace }) }));
    try {
      return (await connecting).client;
    } catch (err) {
      connecting = undefined; // the next request tries again
      throw err;
    }
  };
  return {
    async startBackup(input) {
      const client = await get();
      await client.workflow.start("backupSource", {
        taskQueue,
        workflowId: input.workflowId,
        args: [{ tenantId: input.tenantId, sourceId: input.sourceId, trigger: "on_demand", ...(input.unitIds ? { unitIds: input.unitIds } : {}) }],
      });
    },
    async upsertSourceSchedule(schedule) {
      await upsertSourceSchedule(await get(), schedule, { taskQueue });
    },
    async startRestore(input) {
      const client = await get();
      await client.workflow.start("restore", { taskQueue, workflowId: restoreWorkflowId(input.restoreId), args: [input] });
    },
    async startExport(input) {
      const client = await get();
      await client.workflow.start("exportJob", { taskQueue, workflowId: `export:${input.restoreId}`, args: [input] });
    },
    async startGuardedRequest({ tenantId, requestId, workflowId }) {
      const client = await get();
      const args: [GuardedRequestInput] = [{ tenantId, requestId }];
      await client.workflow.start("guardedRequest", { taskQueue, workflowId, args });
    },
    async approveGuardedRequest({ workflowId, userId }) {
      const handle = (await get()).workflow.getHandle(workflowId);
      const args: [GuardApproveArgs] = [{ userId }];
      try {
        await handle.executeUpdate(GUARD_APPROVE_UPDATE, { args });
        return { approved: true };
      } catch (err) {
        const refusal = approvalRefusal(err);
        if (refusal) return refusal;
        throw err;
      }
    },
    async signalGuardedRequestCancelled({ workflowId }) {
      await (await get()).workflow.getHandle(workflowId).signal(GUARD_CANCELLED_SIGNAL);
    },
    async close() {
      if (!connecting || opts.client) return;
      const { connection } = await connecting.catch(() => ({ connection: undefined }));
      await connection?.close();
    },
  };
}
