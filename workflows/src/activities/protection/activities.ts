// The protection check's activities: the tenants to check, and one tenant's check (which opens and
// resolves its alerts and emails the admins; a retry after a lost connection opens nothing twice,
// since an open alert is unique per source and reason).
import type { TenantProtectionResult } from "../../protection-contracts";
import type { ProtectionPorts } from "./ports";

export function createProtectionActivities(ports: ProtectionPorts) {
  return {
    protectionTenants(): Promise<string[]> {
      return ports.tenants();
    },
    openGuardedRequests(): Promise<{ tenantId: string; requestId: string }[]> {
      return ports.openGuardedRequests();
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
