// The daily audit-digest run (a Temporal Schedule at 01:00 UTC, overlap SKIP): lists the tenants
// with a vault, then for each signs every finished day of the last AUDIT_DIGEST_CATCH_UP_DAYS not
// yet digested and makes sure each digest is in the vault under compliance lock. A tenant that
// fails after its retries is named in the result (the next run catches it up) and never stops the
// others. Continues as new after `tenantsPerRun` tenants.
import { ApplicationFailure, continueAsNew, log, proxyActivities } from "@temporalio/workflow";
import type { AuditDigestActivities } from "../activities/audit-digest/activities";
import {
  AUDIT_DIGEST_CATCH_UP_DAYS,
  AUDIT_DIGEST_PROBLEMS_LISTED,
  AuditDigestInput,
  type AuditDigestProblem,
  type AuditDigestResult,
  type AuditDigestTotals,
  TENANTS_PER_AUDIT_DIGEST_RUN,
} from "../audit-digest-contracts";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import { forEachTenant } from "./fan-out";

const { auditDigestTenants, digestTenant } = proxyActivities<AuditDigestActivities>({
  // A tenant's catch-up is a few signatures and a few small locked PUTs.
  startToCloseTimeout: "5 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const DEFAULT_CONCURRENCY = 4;
const EMPTY_TOTALS: AuditDigestTotals = { tenants: 0, digestsCreated: 0, objectsWritten: 0, failedTenants: 0, problems: [] };

export async function auditDigest(raw: AuditDigestInput = {}): Promise<AuditDigestResult> {
  const parsed = AuditDigestInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid auditDigest input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  // One "now" for the whole run (workflow time: deterministic on replay), so every tenant gets the same days.
  const at = input.resume?.at ?? new Date().toISOString();
  const hops = input.resume?.hops ?? 0;
  const queue = input.resume ? [...input.resume.queue] : await auditDigestTenants({ at });
  let totals = input.resume?.totals ?? EMPTY_TOTALS;
  const perRun = input.tenantsPerRun ?? TENANTS_PER_AUDIT_DIGEST_RUN;
  const maxDays = input.maxDays ?? AUDIT_DIGEST_CATCH_UP_DAYS;
  const problem = (p: AuditDigestProblem) => [...totals.problems, p].slice(0, AUDIT_DIGEST_PROBLEMS_LISTED);

  await forEachTenant(
    queue,
    { concurrency: input.concurrency ?? DEFAULT_CONCURRENCY, perRun, failureLog: "a tenant's audit digests failed; the next run catches up" },
    async (tenantId) => {
      const r = await digestTenant({ tenantId, at, maxDays });
      totals = { ...totals, tenants: totals.tenants + 1, digestsCreated: totals.digestsCreated + r.created.length, objectsWritten: totals.objectsWritten + r.objectsWritten };
    },
    (tenantId, reason) => {
      totals = { ...totals, tenants: totals.tenants + 1, failedTenants: totals.failedTenants + 1, problems: problem({ tenantId, reason }) };
    },
  );

  if (queue.length > 0) {
    const { resume: _resume, ...rest } = input;
    return continueAsNew<typeof auditDigest>({ ...rest, resume: { at, queue, totals, hops: hops + 1 } });
  }
  log.info("audit digests finished", { at, tenants: totals.tenants, digestsCreated: totals.digestsCreated, objectsWritten: totals.objectsWritten, failedTenants: totals.failedTenants });
  return { ...totals, at, hops };
}
