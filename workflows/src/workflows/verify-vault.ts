// Restore drills (issue 7). `verifyVaults` is what the daily Schedule starts: one `verifyVault`
// child per tenant with a vault, a few at a time; a tenant whose drill could not run is named and
// never stops the others. `verifyVault` drills one tenant: open the drill, take the catalogue's
// sample, verify a sample of packs, restore the sampled items into scratch space on the worker,
// compare what came back with the catalogue's hashes, and record the verdict. A drill that could
// not finish is recorded `failed` with the reason: an unreadable vault is exactly what drills are for.
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, executeChild, isCancellation, log, proxyActivities } from "@temporalio/workflow";
import type { DrillActivities } from "../activities/drills/activities";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import {
  DRILL_FAILED_LISTED,
  drillWorkflowIds,
  VerifyVaultInput,
  type DrillItemRef,
  type DrillProblemRecord,
  type PackCheck,
  type SampleRestore,
  type VerifyVaultResult,
  VerifyVaultsInput,
  type VerifyVaultsResult,
} from "../drill-contracts";
import { forEachTenant } from "./fan-out";

function failureMessage(e: unknown): string {
  let cause = e;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

const retry = { initialInterval: "5 seconds", maximumInterval: "1 minute", maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] };
const short = proxyActivities<DrillActivities>({ startToCloseTimeout: "2 minutes", retry });
// Reads every snapshot manifest and a tenth of the packs, or a sample of items: long for a large vault.
const long = proxyActivities<DrillActivities>({ startToCloseTimeout: "2 hours", heartbeatTimeout: "2 minutes", retry: { ...retry, maximumAttempts: 3 } });

/** Each sampled item compared with the catalogue: the matches counted, each mismatch named. */
function compareSample(items: readonly DrillItemRef[], restore: SampleRestore): { matched: number; problems: DrillProblemRecord[] } {
  const got = new Map(restore.restored.map((r) => [r.versionId, r]));
  const problems: DrillProblemRecord[] = [...restore.problems];
  let matched = 0;
  for (const item of items) {
    const r = got.get(item.versionId);
    if (!r) continue; // its restore failed, already named in restore.problems
    if (r.sha256 === item.contentSha256) matched += 1;
    else problems.push({ object: item.path, problem: `restored content (${r.bytes} bytes) hashes to ${r.sha256}; the catalogue records ${item.contentSha256} (item version ${item.versionId})` });
  }
  return { matched, problems };
}

export async function verifyVault(raw: VerifyVaultInput): Promise<VerifyVaultResult> {
  const parsed = VerifyVaultInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid verifyVault input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, at } = parsed.data;
  const drillId = await short.beginDrill({ tenantId, at });
  let items: DrillItemRef[] = [];
  let packs: PackCheck = { snapshots: 0, packsChecked: 0, problems: [] };
  try {
    items = await short.drillSample({ tenantId });
    packs = await long.verifyDrillPacks({ tenantId });
    const restore = await long.restoreDrillSample({ tenantId, items });
    const compared = compareSample(items, restore);
    const problems = [...packs.problems, ...compared.problems];
    const status = await short.finishDrill({
      tenantId,
      drillId,
      result: { snapshotsChecked: packs.snapshots, packsChecked: packs.packsChecked, itemsSampled: items.length, itemsMatched: compared.matched, bytesRestored: restore.bytes, restoreMs: restore.ms, problems },
    });
    return { tenantId, drillId, status, packsChecked: packs.packsChecked, itemsSampled: items.length, itemsMatched: compared.matched, problems: problems.length };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const reason = failureMessage(e).slice(0, 2_000);
    await short.finishDrill({
      tenantId,
      drillId,
      result: { snapshotsChecked: packs.snapshots, packsChecked: packs.packsChecked, itemsSampled: items.length, itemsMatched: 0, bytesRestored: 0, restoreMs: null, problems: [...packs.problems, { object: "drill", problem: `the drill could not finish: ${reason}` }] },
    });
    throw ApplicationFailure.nonRetryable(`restore drill of tenant ${tenantId} could not finish: ${reason}`, "VerifyVaultFailed");
  }
}

export async function verifyVaults(raw: VerifyVaultsInput = {}): Promise<VerifyVaultsResult> {
  const parsed = VerifyVaultsInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid verifyVaults input: ${parsed.error.message}`, "ValidationError");
  // One run key for every child (workflow time: deterministic on replay).
  const at = new Date().toISOString();
  const queue = await short.drillTenants();
  const result: VerifyVaultsResult = { at, tenants: 0, passed: 0, failed: 0, errors: [] };
  await forEachTenant(
    queue,
    { concurrency: parsed.data.concurrency ?? 2, failureLog: "a tenant's restore drill could not finish; tomorrow's run tries again" },
    async (tenantId) => {
      result.tenants += 1;
      const r = await executeChild(verifyVault, { workflowId: drillWorkflowIds.verifyVault(tenantId, at), args: [{ tenantId, at }] });
      if (r.status === "passed") result.passed += 1;
      else result.failed += 1;
    },
    (tenantId, reason) => {
      result.failed += 1;
      if (result.errors.length < DRILL_FAILED_LISTED) result.errors.push({ tenantId, reason });
    },
  );
  log.info("restore drills finished", { at, tenants: result.tenants, passed: result.passed, failed: result.failed });
  return result;
}
