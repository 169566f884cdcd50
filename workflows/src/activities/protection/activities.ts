// The protection check's activities: the tenants to check, and one tenant's check (which opens and
// resolves its alerts and emails the admins; a retry after a lost connection opens nothing twice,
// since an open alert is unique per source and reason).
import { Context } from "@temporalio/activity";
import { WorkflowNotFoundError } from "@temporalio/client";
import { GUARDED_STARTS_PER_CHECK, guardedRequestWorkflowId } from "../../guard-contracts";
import type { TenantProtectionResult } from "../../protection-contracts";
import type { ProtectionPorts } from "./ports";

export function createProtectionActivities(ports: ProtectionPorts) {
  return {
    protectionTenants(): Promise<string[]> {
      return ports.tenants();
    },
    /**
     * Open guarded requests whose workflow is not running (a row forged over SQL, a workflow that
     * failed), at most GUARDED_STARTS_PER_CHECK. Asked of Temporal here, not by trying to start each
     * one from the workflow, so the hourly check's history does not grow with every open request.
     */
    async openGuardedRequests(): Promise<{ tenantId: string; requestId: string }[]> {
      const { client } = Context.current();
      const idle: { tenantId: string; requestId: string }[] = [];
      for (const open of await ports.openGuardedRequests()) {
        if (idle.length >= GUARDED_STARTS_PER_CHECK) break;
        try {
          const running = (await client.workflow.getHandle(guardedRequestWorkflowId(open.requestId)).describe()).status.name === "RUNNING";
          if (running) continue;
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
        }
        idle.push(open);
      }
      return idle;
    },
    guardedRequestStarted(input: { tenantId: string; requestId: string }): Promise<void> {
      return ports.guardedRequestStarted(input.tenantId, input.requestId);
    },
    async checkTenantProtection(input: { tenantId: string }): Promise<TenantProtectionResult> {
      return { tenantId: input.tenantId, ...(await ports.check(input.tenantId)) };
    },
  };
}

export type ProtectionActivities = ReturnType<typeof createProtectionActivities>;
