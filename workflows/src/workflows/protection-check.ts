// The hourly protection check (a Temporal Schedule, overlap SKIP): every tenant with a source is
// checked, a few at a time; a tenant whose check fails after its retries is named in the result and
// never stops the others (the next hour tries again).
import { ApplicationFailure, isCancellation, log, proxyActivities } from "@temporalio/workflow";
import type { ProtectionActivities } from "../activities/protection/activities";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import { ProtectionCheckInput, type ProtectionCheckResult } from "../protection-contracts";
import { failureMessage } from "./backup-unit";

const { protectionTenants, checkTenantProtection } = proxyActivities<ProtectionActivities>({
  startToCloseTimeout: "5 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const FAILED_LISTED = 20;

export async function protectionCheck(raw: ProtectionCheckInput = {}): Promise<ProtectionCheckResult> {
  const parsed = ProtectionCheckInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid protectionCheck input: ${parsed.error.message}`, "ValidationError");
  const queue = await protectionTenants();
  const result: ProtectionCheckResult = { tenants: 0, opened: 0, resolved: 0, failed: [] };
  const worker = async (): Promise<void> => {
    for (let tenantId = queue.shift(); tenantId !== undefined; tenantId = queue.shift()) {
      result.tenants += 1;
      try {
        const r = await checkTenantProtection({ tenantId });
        result.opened += r.opened;
        result.resolved += r.resolved;
      } catch (e) {
        if (isCancellation(e)) throw e;
        const reason = failureMessage(e).slice(0, 1_000);
        log.warn("a tenant's protection check failed; the next hour tries again", { tenantId, reason });
        if (result.failed.length < FAILED_LISTED) result.failed.push({ tenantId, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parsed.data.concurrency ?? 4, Math.max(queue.length, 1)) }, worker));
  return result;
}
