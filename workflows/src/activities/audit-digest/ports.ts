// What the audit-digest activities need from the rest of the system: the worker wires these to
// @holdfast/services' digest verbs (as each tenant's `system` actor, under RLS) and to the
// tenant's vault opened with its writer identity (apps/worker/src/audit-digest-ports.ts).

export interface DigestDayOutcome {
  day: string;
  /** Signed by this call (false: the day's stored digest was reused). */
  created: boolean;
  /** Written to the vault by this call (false: it was there already). */
  written: boolean;
}

export interface AuditDigestPorts {
  /** Tenants with a vault to write digests into. */
  tenants(now: Date): Promise<string[]>;
  /** The finished UTC days (oldest first) among the last `maxDays` that the tenant's chain covers. */
  daysDue(tenantId: string, now: Date, maxDays: number): Promise<string[]>;
  /**
   * Signs each day's digest unless it exists, and makes sure the public key and every one of these
   * digests are in the tenant's vault under compliance lock. Idempotent.
   */
  digestDays(tenantId: string, days: readonly string[], now: Date): Promise<{ days: DigestDayOutcome[]; keyWritten: boolean }>;
}
