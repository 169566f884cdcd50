// The fan-out every scheduled per-tenant run shares (maintenance, retention sweeps, audit digests,
// restore drills, webhook deliveries, the protection check): tenants taken from the front of a
// queue a few at a time, each tenant's failure named and never stopping the others.
import { ContinueAsNew, isCancellation, log, workflowInfo } from "@temporalio/workflow";
import { failureMessage } from "./backup-unit";

export interface FanOutOptions {
  /** Tenants handled at the same time. */
  concurrency: number;
  /**
   * Tenants this run starts at most; the rest stay in the queue for the run it continues as new
   * (it also stops starting when Temporal suggests continuing as new; one always starts). None: all.
   */
  perRun?: number;
  /** Logged, with the tenant and the reason, when a tenant fails after its retries. */
  failureLog: string;
}

/**
 * Runs `each` for the tenants taken from the front of `queue`, `concurrency` at a time. A tenant
 * whose `each` fails is logged and handed to `failed` with the reason (at most 1,000 characters);
 * the others go on. A cancellation or a continue-as-new ends the whole run. What was not started
 * (with `perRun`) is left in `queue`.
 */
export async function forEachTenant(queue: string[], opts: FanOutOptions, each: (tenantId: string) => Promise<void>, failed: (tenantId: string, reason: string) => void): Promise<void> {
  let started = 0;
  const mayStart = () => opts.perRun === undefined || started === 0 || (started < opts.perRun && !workflowInfo().continueAsNewSuggested);
  const worker = async (): Promise<void> => {
    while (mayStart()) {
      const tenantId = queue.shift();
      if (tenantId === undefined) return;
      started += 1;
      try {
        await each(tenantId);
      } catch (e) {
        if (e instanceof ContinueAsNew || isCancellation(e)) throw e;
        const reason = failureMessage(e).slice(0, 1_000);
        log.warn(opts.failureLog, { tenantId, reason });
        failed(tenantId, reason);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.max(queue.length, 1)) }, worker));
}
