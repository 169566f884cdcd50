// The daily retention sweep (docs/adr/0018-retention-policies.md, "Sweep"). `retentionSweeps` is
// what the Schedule starts: it lists the tenants with a vault and runs one `retentionSweep` child
// per tenant, a few at a time; a tenant whose sweep fails is counted and named, and never stops the
// others. `retentionSweep` does one tenant, in an order that matters: snapshots past their
// retain-until that nothing keeps are expired in the catalogue first (so what is left is exactly
// what must stay: held, a unit's latest, or needed by another restore point), then the locks of
// what stays are raised, and only then does the vault's GC delete what no lock protects any more —
// so a kept snapshot is always locked again before GC looks at it. (Sweeps started before this
// order raised locks first; `patched` keeps their replay as it was.) A failed step skips the rest (GC never runs after a
// failed extension) and the sweep is recorded `failed`; tomorrow's run tries again.
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, continueAsNew, executeChild, isCancellation, log, patched, proxyActivities } from "@temporalio/workflow";
import type { RetentionActivities } from "../activities/retention/activities";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import {
  HELD_EXTEND_PAGE,
  RETENTION_PROBLEMS_LISTED,
  RetentionSweepInput,
  type RetentionSweepResult,
  RetentionSweepsInput,
  type RetentionSweepsResult,
  type RetentionSweepTotals,
  retentionWorkflowIds,
  TENANTS_PER_RETENTION_RUN,
} from "../retention-contracts";
import { forEachTenant } from "./fan-out";

/** The root cause's message: an activity's or a child's failure wraps it. */
function failureMessage(e: unknown): string {
  let cause = e;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

const retry = { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] };
const short = proxyActivities<RetentionActivities>({ startToCloseTimeout: "2 minutes", retry });
// A page of held snapshots: a listing of the vault's versions and a request per object each.
const extend = proxyActivities<RetentionActivities>({ startToCloseTimeout: "30 minutes", heartbeatTimeout: "5 minutes", retry });
// GC lists, reads every live manifest and deletes: hours for a large vault.
const gc = proxyActivities<RetentionActivities>({ startToCloseTimeout: "6 hours", retry: { ...retry, maximumAttempts: 3 } });

const DEFAULT_CONCURRENCY = 4;
const EMPTY_TOTALS: RetentionSweepTotals = { tenants: 0, failedTenants: 0, expiredSnapshots: 0, heldExtended: 0, problems: [] };

export async function retentionSweep(raw: RetentionSweepInput): Promise<RetentionSweepResult> {
  const parsed = RetentionSweepInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid retentionSweep input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, at } = parsed.data;
  const sweepId = await short.beginRetentionSweep({ tenantId, at });
  let heldExtended = 0;
  let expiredSnapshots = 0;
  try {
    // Expiring first: extending a snapshot that only an expiring one needed would keep it 60 days longer.
    const expireFirst = patched("retention-expire-before-extend");
    if (expireFirst) expiredSnapshots = await short.expireRetainedSnapshots({ tenantId, at });
    for (;;) {
      const page = await extend.extendHeldSnapshots({ tenantId, at, limit: HELD_EXTEND_PAGE });
      heldExtended += page.extended;
      if (!page.more) break;
    }
    if (!expireFirst) expiredSnapshots = await short.expireRetainedSnapshots({ tenantId, at });
    const r = await gc.collectVaultGarbage({ tenantId, sweepId });
    await short.finishRetentionSweep({ tenantId, sweepId, expiredSnapshots, heldExtended });
    return { tenantId, sweepId, status: "completed", expiredSnapshots, heldExtended, gcSnapshotsDeleted: r.snapshotsDeleted, gcPacksDeleted: r.packsDeleted, gcProblems: r.problems };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const error = failureMessage(e).slice(0, 2_000);
    await short.finishRetentionSweep({ tenantId, sweepId, expiredSnapshots, heldExtended, error });
    throw ApplicationFailure.nonRetryable(`retention sweep of tenant ${tenantId} failed: ${error}`, "RetentionSweepFailed");
  }
}

export async function retentionSweeps(raw: RetentionSweepsInput = {}): Promise<RetentionSweepsResult> {
  const parsed = RetentionSweepsInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid retentionSweeps input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  // One cut-off for the whole run (workflow time: deterministic on replay).
  const at = input.resume?.at ?? new Date().toISOString();
  const hops = input.resume?.hops ?? 0;
  const queue = input.resume ? [...input.resume.queue] : await short.retentionSweepTenants({ at });
  let totals = input.resume?.totals ?? EMPTY_TOTALS;
  const perRun = input.tenantsPerRun ?? TENANTS_PER_RETENTION_RUN;

  await forEachTenant(
    queue,
    { concurrency: input.concurrency ?? DEFAULT_CONCURRENCY, perRun, failureLog: "a tenant's retention sweep failed; tomorrow's run tries again" },
    async (tenantId) => {
      const r = await executeChild(retentionSweep, { workflowId: retentionWorkflowIds.retentionSweep(tenantId, at), args: [{ tenantId, at }] });
      totals = { ...totals, tenants: totals.tenants + 1, expiredSnapshots: totals.expiredSnapshots + r.expiredSnapshots, heldExtended: totals.heldExtended + r.heldExtended };
    },
    (tenantId, reason) => {
      totals = { ...totals, tenants: totals.tenants + 1, failedTenants: totals.failedTenants + 1, problems: [...totals.problems, { tenantId, reason }].slice(0, RETENTION_PROBLEMS_LISTED) };
    },
  );

  if (queue.length > 0) {
    const { resume: _resume, ...rest } = input;
    return continueAsNew<typeof retentionSweeps>({ ...rest, resume: { at, queue, totals, hops: hops + 1 } });
  }
  log.info("retention sweeps finished", { at, tenants: totals.tenants, expiredSnapshots: totals.expiredSnapshots, heldExtended: totals.heldExtended, failedTenants: totals.failedTenants });
  return { ...totals, at, hops };
}
