// The hourly protection check (a Temporal Schedule, overlap SKIP): every tenant with a source is
// checked, a few at a time; a tenant whose check fails after its retries is named in the result and
// never stops the others (the next hour tries again). Then every open guarded request gets its
// workflow if it has none running (a row written by SQL, or a workflow that failed): the workflow
// announces it to every owner, admin and guardian and waits for a decision, like any other.
import { ApplicationFailure, log, ParentClosePolicy, proxyActivities, startChild } from "@temporalio/workflow";
import { GUARDED_STARTS_PER_CHECK, guardedRequestWorkflowId } from "../guard-contracts";
import { guardedRequest } from "./guarded-request";
import type { ProtectionActivities } from "../activities/protection/activities";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import { ProtectionCheckInput, type ProtectionCheckResult } from "../protection-contracts";
import { forEachTenant } from "./fan-out";

const { protectionTenants, checkTenantProtection, openGuardedRequests, guardedRequestStarted } = proxyActivities<ProtectionActivities>({
  startToCloseTimeout: "5 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const FAILED_LISTED = 20;

export async function protectionCheck(raw: ProtectionCheckInput = {}): Promise<ProtectionCheckResult> {
  const parsed = ProtectionCheckInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid protectionCheck input: ${parsed.error.message}`, "ValidationError");
  const queue = await protectionTenants();
  const result: ProtectionCheckResult = { tenants: 0, opened: 0, resolved: 0, guardedRequestsStarted: 0, failed: [] };
  await forEachTenant(
    queue,
    { concurrency: parsed.data.concurrency ?? 4, failureLog: "a tenant's protection check failed; the next hour tries again" },
    async (tenantId) => {
      result.tenants += 1;
      const r = await checkTenantProtection({ tenantId });
      result.opened += r.opened;
      result.resolved += r.resolved;
    },
    (tenantId, reason) => {
      if (result.failed.length < FAILED_LISTED) result.failed.push({ tenantId, reason });
    },
  );
  for (const open of await openGuardedRequests()) {
    if (result.guardedRequestsStarted >= GUARDED_STARTS_PER_CHECK) break;
    try {
      // Its own life: closing this check must not end it.
      await startChild(guardedRequest, { workflowId: guardedRequestWorkflowId(open.requestId), args: [open], parentClosePolicy: ParentClosePolicy.ABANDON });
      result.guardedRequestsStarted += 1;
      await guardedRequestStarted(open);
      log.warn("an open guarded request had no workflow running; started it (it announces the request)", { tenantId: open.tenantId, requestId: open.requestId });
    } catch (e) {
      // Started since it was listed (the console, a parallel check): that workflow announces it and waits.
      if (e instanceof Error && e.name === "WorkflowExecutionAlreadyStartedError") continue;
      throw e;
    }
  }
  return result;
}
