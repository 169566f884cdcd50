// The maintenance activities: which tenants have something to sweep, and one tenant's sweep
// (expired export archives, expired idempotency records). Per tenant, so one tenant's failure is
// retried and reported on its own and never stops the others.
import { ApplicationFailure, Context } from "@temporalio/activity";
import { MaintenanceTenantsInput, SweepTenantInput, type TenantSweepResult } from "../../contracts";
import type { MaintenancePorts } from "./ports";

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw ApplicationFailure.nonRetryable(`invalid ${what} input: ${r.error.message}`, "ValidationError");
  return r.data;
}

/** Failed archives named per tenant in the result (all are logged, and retried next sweep). */
const FAILURES_LISTED = 20;

export function createMaintenanceActivities(ports: MaintenancePorts) {
  return {
    async maintenanceTenants(raw: MaintenanceTenantsInput): Promise<string[]> {
      const input = parse(MaintenanceTenantsInput, raw, "maintenanceTenants");
      return ports.tenantsDue(new Date(input.at));
    },

    async sweepTenant(raw: SweepTenantInput): Promise<TenantSweepResult> {
      const input = parse(SweepTenantInput, raw, "sweepTenant");
      const at = new Date(input.at);
      const exports = await ports.sweepExports(input.tenantId, at);
      for (const f of exports.failed) Context.current().log.warn("could not delete an expired export archive; the next sweep retries it", { tenantId: input.tenantId, exportId: f.exportId, reason: f.reason });
      const idempotencyKeysDeleted = await ports.purgeIdempotencyKeys(input.tenantId, at);
      return {
        tenantId: input.tenantId,
        exportsDeleted: exports.deleted,
        exportsFailed: exports.failed.length,
        failures: exports.failed.slice(0, FAILURES_LISTED).map((f) => ({ exportId: f.exportId, reason: f.reason.slice(0, 500) })),
        idempotencyKeysDeleted,
      };
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
