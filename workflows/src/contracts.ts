// The shapes that cross a Temporal boundary (client → workflow → activity). Everything here is
// persisted in workflow history, so payloads carry IDs and cursors, never secrets or bulk data
// (CONVENTIONS §12). This module is bundled into the workflow sandbox: import only zod.
import { z } from "zod";

/**
 * One task queue for now; docs/adr/0002-temporal-task-queues.md explains why and what changes
 * when backups need per-tenant / per-provider fairness. The worker reads the queue name from
 * TEMPORAL_TASK_QUEUE (default below) so a deployment can isolate itself.
 */
export const TASK_QUEUES = { main: "holdfast-main" } as const;
export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];

/** Workflow IDs are business IDs: starting the same verification twice is refused by Temporal. */
export const workflowIds = {
  verifyAuditChain: (tenantId: string, at: Date): string => `verify-audit-chain:${tenantId}:${at.toISOString()}`,
};

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256");

/** Where verification resumes: after `afterSeq`, whose hash is `prevHash` (null = the chain's start). */
export const AuditChainCursor = z.object({
  afterSeq: z.number().int().nonnegative(),
  prevHash: Sha256Hex.nullable(),
});
export type AuditChainCursor = z.infer<typeof AuditChainCursor>;

export const AUDIT_CHAIN_PAGE_SIZE = { default: 500, max: 5_000 } as const;
/** Pages per workflow run before continue-as-new; each page costs ~6 history events. */
export const AUDIT_CHAIN_PAGES_PER_RUN = 500;

export const VerifyAuditChainInput = z.object({
  tenantId: z.string().uuid(),
  pageSize: z.number().int().min(1).max(AUDIT_CHAIN_PAGE_SIZE.max).optional(),
  pagesPerRun: z.number().int().min(1).max(10_000).optional(),
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  resume: AuditChainCursor.extend({ checked: z.number().int().nonnegative() }).optional(),
});
export type VerifyAuditChainInput = z.infer<typeof VerifyAuditChainInput>;

/** Mirrors `ChainBreak` in @holdfast/db (kept in step by a type assertion in the activities). */
export const AuditChainBreak = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  reason: z.enum(["seq_gap", "prev_hash_mismatch", "hash_mismatch"]),
  detail: z.string(),
});
export type AuditChainBreak = z.infer<typeof AuditChainBreak>;

export const VerifyAuditChainResult = z.object({
  tenantId: z.string().uuid(),
  /** Rows found intact: the whole chain when ok, the rows before the first break otherwise. */
  checked: z.number().int().nonnegative(),
  /** The last intact row's seq (0 for an empty chain or a break at seq 1). */
  lastSeq: z.number().int().nonnegative(),
  ok: z.boolean(),
  firstBroken: AuditChainBreak.optional(),
});
export type VerifyAuditChainResult = z.infer<typeof VerifyAuditChainResult>;

export const VerifyAuditChainPageInput = AuditChainCursor.extend({
  tenantId: z.string().uuid(),
  limit: z.number().int().min(1).max(AUDIT_CHAIN_PAGE_SIZE.max),
});
export type VerifyAuditChainPageInput = z.infer<typeof VerifyAuditChainPageInput>;

export const VerifyAuditChainPageResult = z.object({
  /** Rows in this page found intact (those before `broken`, if any). */
  checked: z.number().int().nonnegative(),
  /** Cursor after the last intact row: where the next page starts. */
  lastSeq: z.number().int().nonnegative(),
  lastHash: Sha256Hex.nullable(),
  /** No more rows to read: the page was short, or a break was found. */
  done: z.boolean(),
  broken: AuditChainBreak.optional(),
});
export type VerifyAuditChainPageResult = z.infer<typeof VerifyAuditChainPageResult>;

/** Failure types the workflow must not retry: bad input stays bad. */
export const NON_RETRYABLE_ERROR_TYPES = ["ValidationError", "TenantContextError"] as const;

export * from "./backup-contracts";
export * from "./restore-contracts";
export * from "./export-contracts";
