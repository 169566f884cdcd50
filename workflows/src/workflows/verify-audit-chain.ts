// Walks a tenant's hash-chained audit log page by page and reports the first broken link.
// Deterministic: all I/O is in the verifyAuditChainPage activity; state that must survive a
// continue-as-new travels in the input's `resume` cursor.
import { ApplicationFailure, continueAsNew, log, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { Activities } from "../activities";
import {
  AUDIT_CHAIN_PAGE_SIZE,
  AUDIT_CHAIN_PAGES_PER_RUN,
  NON_RETRYABLE_ERROR_TYPES,
  VerifyAuditChainInput,
  type VerifyAuditChainResult,
} from "../contracts";

const { verifyAuditChainPage } = proxyActivities<Activities>({
  // One page is one indexed range read plus hashing; minutes mean the database is in trouble.
  startToCloseTimeout: "2 minutes",
  heartbeatTimeout: "1 minute",
  retry: {
    initialInterval: "1 second",
    backoffCoefficient: 2,
    maximumInterval: "1 minute",
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

export async function verifyAuditChain(raw: VerifyAuditChainInput): Promise<VerifyAuditChainResult> {
  const parsed = VerifyAuditChainInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid verifyAuditChain input: ${parsed.error.message}`, "ValidationError");
  const input = parsed.data;
  const { tenantId } = input;
  const limit = input.pageSize ?? AUDIT_CHAIN_PAGE_SIZE.default;
  const pagesPerRun = input.pagesPerRun ?? AUDIT_CHAIN_PAGES_PER_RUN;

  let afterSeq = input.resume?.afterSeq ?? 0;
  let prevHash = input.resume?.prevHash ?? null;
  let checked = input.resume?.checked ?? 0;

  for (let pages = 0; ; pages++) {
    // pages > 0: a fresh run always makes progress before it may hand over again.
    if (pages > 0 && (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested)) {
      log.info("continuing as new", { tenantId, afterSeq, checked });
      return continueAsNew<typeof verifyAuditChain>({ ...input, resume: { afterSeq, prevHash, checked } });
    }
    const page = await verifyAuditChainPage({ tenantId, afterSeq, prevHash, limit });
    checked += page.checked;
    afterSeq = page.lastSeq;
    prevHash = page.lastHash;
    if (page.broken) return { tenantId, checked, lastSeq: afterSeq, ok: false, firstBroken: page.broken };
    if (page.done) return { tenantId, checked, lastSeq: afterSeq, ok: true };
  }
}
