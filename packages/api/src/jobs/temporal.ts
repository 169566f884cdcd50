// The JobsPort over a Temporal client, connected on first use.
import { TASK_QUEUES, upsertSourceSchedule } from "@holdfast/workflows";
import { restoreWorkflowId } from "@holdfast/workflows/contracts";
import { Client, Connection } from "@temporalio/client";
import type { JobsPort } from "./port";

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
    async close() {
      if (!connecting || opts.client) return;
      const { connection } = await connecting.catch(() => ({ connection: undefined }));
      await connection?.close();
    },
  };
}
