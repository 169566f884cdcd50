// The daily audit-digest run's payloads (issue 7): tenant ids, days and counts only — the signing
// key and the vault's credentials never enter a workflow's history.
import { z } from "zod";

const Uuid = z.string().uuid();
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Finished days a run looks back over: a worker down for a few days is caught up, no further. */
export const AUDIT_DIGEST_CATCH_UP_DAYS = 7;
export const TENANTS_PER_AUDIT_DIGEST_RUN = 500;
export const AUDIT_DIGEST_PROBLEMS_LISTED = 20;

export const AuditDigestTenantsInput = z.object({ at: z.string().datetime() });
export type AuditDigestTenantsInput = z.infer<typeof AuditDigestTenantsInput>;

export const DigestTenantInput = z.object({ tenantId: Uuid, at: z.string().datetime(), maxDays: z.number().int().min(1).max(31) });
export type DigestTenantInput = z.infer<typeof DigestTenantInput>;

export const DigestTenantResult = z.object({
  tenantId: Uuid,
  /** Days whose digest this run signed (a day signed before is not listed). */
  created: z.array(Day),
  /** Vault objects this run wrote (digests missing from the vault, and the public key the first time). */
  objectsWritten: z.number().int().nonnegative(),
});
export type DigestTenantResult = z.infer<typeof DigestTenantResult>;

export const AuditDigestProblem = z.object({ tenantId: Uuid, reason: z.string() });
export type AuditDigestProblem = z.infer<typeof AuditDigestProblem>;

export const AuditDigestTotals = z.object({
  tenants: z.number().int().nonnegative(),
  digestsCreated: z.number().int().nonnegative(),
  objectsWritten: z.number().int().nonnegative(),
  failedTenants: z.number().int().nonnegative(),
  problems: z.array(AuditDigestProblem),
});
export type AuditDigestTotals = z.infer<typeof AuditDigestTotals>;

export const AuditDigestInput = z.object({
  maxDays: z.number().int().min(1).max(31).optional(),
  tenantsPerRun: z.number().int().min(1).max(5_000).optional(),
  concurrency: z.number().int().min(1).max(16).optional(),
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  resume: z.object({ at: z.string().datetime(), queue: z.array(Uuid), totals: AuditDigestTotals, hops: z.number().int().nonnegative() }).optional(),
});
export type AuditDigestInput = z.infer<typeof AuditDigestInput>;

export const AuditDigestResult = AuditDigestTotals.extend({ at: z.string().datetime(), hops: z.number().int().nonnegative() });
export type AuditDigestResult = z.infer<typeof AuditDigestResult>;

export const auditDigestWorkflowIds = {
  /** The schedule appends the scheduled time; a manual run picks its own key. */
  auditDigest: (runKey: string): string => `audit-digest:${runKey}`,
};
