// Typed starter for callers that hold a Temporal Client (services, the CLI, schedules).
import type { Client, WorkflowHandle } from "@temporalio/client";
import { TASK_QUEUES, VerifyAuditChainInput, workflowIds } from "./contracts";
import type { verifyAuditChain } from "./workflows/verify-audit-chain";

export async function startVerifyAuditChain(
  client: Client,
  input: VerifyAuditChainInput,
  opts: { taskQueue?: string; at?: Date } = {},
): Promise<WorkflowHandle<typeof verifyAuditChain>> {
  const args = VerifyAuditChainInput.parse(input);
  return client.workflow.start<typeof verifyAuditChain>("verifyAuditChain", {
    taskQueue: opts.taskQueue ?? TASK_QUEUES.main,
    workflowId: workflowIds.verifyAuditChain(args.tenantId, opts.at ?? new Date()),
    args: [args],
  });
}
