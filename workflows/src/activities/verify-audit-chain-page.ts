// One page of audit-chain verification: read the rows after a cursor inside the tenant's RLS
// scope and recompute their hashes. The workflow owns the loop; this stays one short transaction.
import { checkChainPage, GENESIS_HASH, readAuditChainPage, withTenant, type ChainBreak } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { activityInfo, ApplicationFailure, heartbeat } from "@temporalio/activity";
import { type AuditChainBreak, VerifyAuditChainPageInput, type VerifyAuditChainPageResult } from "../contracts";
import type { ActivityDeps } from "./index";

// The contract's break shape must stay assignable both ways to the database's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _breakShapesMatch: Same<AuditChainBreak, ChainBreak> = true;

export async function verifyAuditChainPage(deps: ActivityDeps, raw: VerifyAuditChainPageInput): Promise<VerifyAuditChainPageResult> {
  const parsed = VerifyAuditChainPageInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid verifyAuditChainPage input: ${parsed.error.message}`, "ValidationError");
  const { tenantId, afterSeq, prevHash, limit } = parsed.data;

  const rows = await withTenant(deps.db, tenantId, (tx) => readAuditChainPage(tx, tenantId, afterSeq, limit));
  heartbeat({ afterSeq, read: rows.length });

  const result = checkChainPage(rows, afterSeq, prevHash ?? GENESIS_HASH);
  if (result.ok) {
    return {
      checked: rows.length,
      lastSeq: result.lastSeq,
      lastHash: rows.length > 0 ? result.lastHash : prevHash,
      done: rows.length < limit,
    };
  }

  const { broken } = result;
  const brokenAt = rows.findIndex((r) => r.id === broken.eventId);
  const lastGood = brokenAt > 0 ? rows[brokenAt - 1] : undefined;
  childLogger({ tenantId, workflowId: activityInfo().workflowExecution?.workflowId, component: "audit-chain" }).warn(
    { seq: broken.seq, eventId: broken.eventId, reason: broken.reason },
    "audit chain broken",
  );
  return {
    checked: Math.max(brokenAt, 0),
    lastSeq: lastGood ? Number(lastGood.seq) : afterSeq,
    lastHash: lastGood ? lastGood.hash : prevHash,
    done: true,
    broken,
  };
}
