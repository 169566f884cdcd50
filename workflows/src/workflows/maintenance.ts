// The hourly maintenance run (a Temporal Schedule, overlap SKIP, upserted by the worker at
// start-up): lists the tenants with something to sweep, then sweeps each — expired export
// archives deleted from the exports store and marked, expired idempotency records deleted — a few
// at a time. A tenant whose sweep fails after its retries is counted and named in the result (the
// next run tries again) and never stops the others. Continues as new after `tenantsPerRun` tenants.
import { ApplicationFailure, continueAsNew, log, proxyActivities } from "@temporalio/workflow";
import type { MaintenanceActivities } from "../activities/maintenance/activities";
import { MAINTENANCE_PROBLEMS_LISTED, MaintenanceInput, type MaintenanceProblem, type MaintenanceResult, type MaintenanceTotals, NON_RETRYABLE_ERROR_TYPES, TENANTS_PER_MAINTENANCE_RUN } from "../contracts";
import { forEachTenant } from "./fan-out";

const { maintenanceTenants, sweepTenant } = proxyActivities<MaintenanceActivities>({
  // A tenant's sweep deletes its expired archives one request each: minutes at worst.
  startToCloseTimeout: "15 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const DEFAULT_CONCURRENCY = 4;
const EMPTY_TOTALS: MaintenanceTotals = { tenants: 0, exportsDeleted: 0, exportsFailed: 0, idempotencyKeysDeleted: 0, failedTenants: 0, problems: [] };

function withProblems(t: MaintenanceTotals, more: MaintenanceProblem[]): MaintenanceProblem[] {
  return [...t.problems, ...more].slice(0, MAINTENANCE_PROBLEMS_LISTED);
}

export async function maintenance(raw: MaintenanceInput = {}): Promise<MaintenanceResult> {
  const parsed = MaintenanceInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid maintenance input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  // One cut-off for the whole run (workflow time: deterministic on replay).
  const at = input.resume?.at ?? new Date().toISOString();
  const hops = input.resume?.hops ?? 0;
  const queue = input.resume ? [...input.resume.queue] : await maintenanceTenants({ at });
  let totals = input.resume?.totals ?? EMPTY_TOTALS;
  const perRun = input.tenantsPerRun ?? TENANTS_PER_MAINTENANCE_RUN;

  await forEachTenant(
    queue,
    { concurrency: input.concurrency ?? DEFAULT_CONCURRENCY, perRun, failureLog: "a tenant's maintenance sweep failed; the next run tries again" },
    async (tenantId) => {
      const r = await sweepTenant({ tenantId, at });
      totals = {
        ...totals,
        tenants: totals.tenants + 1,
        exportsDeleted: totals.exportsDeleted + r.exportsDeleted,
        exportsFailed: totals.exportsFailed + r.exportsFailed,
        idempotencyKeysDeleted: totals.idempotencyKeysDeleted + r.idempotencyKeysDeleted,
        problems: withProblems(totals, r.failures.map((f) => ({ tenantId, exportId: f.exportId, reason: f.reason.slice(0, 1_000) }))),
      };
    },
    (tenantId, reason) => {
      totals = { ...totals, tenants: totals.tenants + 1, failedTenants: totals.failedTenants + 1, problems: withProblems(totals, [{ tenantId, reason }]) };
    },
  );

  if (queue.length > 0) {
    const { resume: _resume, ...rest } = input;
    return continueAsNew<typeof maintenance>({ ...rest, resume: { at, queue, totals, hops: hops + 1 } });
  }
  log.info("maintenance finished", { at, tenants: totals.tenants, exportsDeleted: totals.exportsDeleted, idempotencyKeysDeleted: totals.idempotencyKeysDeleted, failedTenants: totals.failedTenants });
  return { ...totals, at, hops };
}
