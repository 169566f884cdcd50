// The protection check's ports, wired to @holdfast/services' alerts as each tenant's system actor.
import type { Database } from "@holdfast/db";
import { auditUnannouncedGuardedRequest, checkProtection, openGuardedRequests, systemContext, tenantsToCheck } from "@holdfast/services";
import type { ProtectionPorts } from "@holdfast/workflows/activities";

export function createProtectionPorts(opts: { db: Database; workerId: string }): ProtectionPorts {
  return {
    tenants: () => tenantsToCheck(opts.db),
    check: (tenantId) => checkProtection(systemContext(opts.db, tenantId, opts.workerId)),
    openGuardedRequests: () => openGuardedRequests(opts.db),
    guardedRequestStarted: (tenantId, requestId) => auditUnannouncedGuardedRequest(opts.db, tenantId, requestId),
  };
}
