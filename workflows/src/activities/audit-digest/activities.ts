// The audit-digest activities: which tenants to digest, and one tenant's catch-up (every finished
// day of the window signed and in the vault). Per tenant, so one tenant's failure is retried and
// reported on its own and never stops the others.
import { ApplicationFailure } from "@temporalio/activity";
import { AuditDigestTenantsInput, DigestTenantInput, type DigestTenantResult } from "../../audit-digest-contracts";
import type { AuditDigestPorts } from "./ports";

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw ApplicationFailure.nonRetryable(`invalid ${what} input: ${r.error.message}`, "ValidationError");
  return r.data;
}

export function createAuditDigestActivities(ports: AuditDigestPorts) {
  return {
    async auditDigestTenants(raw: AuditDigestTenantsInput): Promise<string[]> {
      const input = parse(AuditDigestTenantsInput, raw, "auditDigestTenants");
      return ports.tenants(new Date(input.at));
    },

    async digestTenant(raw: DigestTenantInput): Promise<DigestTenantResult> {
      const input = parse(DigestTenantInput, raw, "digestTenant");
      const at = new Date(input.at);
      const days = await ports.daysDue(input.tenantId, at, input.maxDays);
      if (days.length === 0) return { tenantId: input.tenantId, created: [], objectsWritten: 0 };
      const r = await ports.digestDays(input.tenantId, days, at);
      return {
        tenantId: input.tenantId,
        created: r.days.filter((d) => d.created).map((d) => d.day),
        objectsWritten: r.days.filter((d) => d.written).length + (r.keyWritten ? 1 : 0),
      };
    },
  };
}

export type AuditDigestActivities = ReturnType<typeof createAuditDigestActivities>;
