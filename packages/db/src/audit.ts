// The audit chain's two halves: appending (the database trigger assigns seq and hashes) and an
// independent recomputation in TypeScript, so a verifier does not have to trust the trigger.
import { createHash } from "node:crypto";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { auditEvents, type ActorType } from "./schema/audit-events";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEventInput {
  tenantId: string;
  actorType: ActorType;
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  metadata?: Record<string, unknown>;
}

export async function appendAuditEvent(tx: Queryable, e: AuditEventInput): Promise<{ id: string; seq: number; hash: string }> {
  const [row] = await tx
    .insert(auditEvents)
    .values({
      tenantId: e.tenantId,
      actorType: e.actorType,
      actorId: e.actorId ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      requestId: e.requestId ?? null,
      ip: e.ip ?? null,
      metadata: e.metadata ?? {},
    })
    .returning({ id: auditEvents.id, seq: auditEvents.seq, hash: auditEvents.hash });
  if (!row) throw new Error("audit insert returned no row");
  return row;
}

/** One audit row as the chain hashes it: every field as Postgres renders it to text. */
export interface CanonicalAuditRow {
  id: string;
  tenantId: string;
  seq: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  ip: string | null;
  metadataText: string;
  prevHash: string;
  hash: string;
}

/** docs/audit-chain.md: the exact text that is SHA-256 hashed for each row. */
export function canonicalAuditText(r: Omit<CanonicalAuditRow, "id" | "hash">): string {
  return [
    "holdfast-audit-v1",
    r.tenantId,
    r.seq,
    r.occurredAt,
    r.actorType,
    r.actorId ?? "",
    r.action,
    r.targetType ?? "",
    r.targetId ?? "",
    r.requestId ?? "",
    r.ip ?? "",
    r.metadataText,
    r.prevHash,
  ].join("\n");
}

export function auditRowHash(r: Omit<CanonicalAuditRow, "id" | "hash">): string {
  return createHash("sha256").update(canonicalAuditText(r), "utf8").digest("hex");
}

export async function readAuditChainPage(tx: Queryable, tenantId: string, afterSeq: number, limit: number): Promise<CanonicalAuditRow[]> {
  return tx
    .select({
      id: auditEvents.id,
      tenantId: sql<string>`${auditEvents.tenantId}::text`,
      seq: sql<string>`${auditEvents.seq}::text`,
      occurredAt: sql<string>`to_char(${auditEvents.occurredAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      actorType: auditEvents.actorType,
      actorId: auditEvents.actorId,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      requestId: auditEvents.requestId,
      ip: auditEvents.ip,
      metadataText: sql<string>`${auditEvents.metadata}::text`,
      prevHash: auditEvents.prevHash,
      hash: auditEvents.hash,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}

export type ChainBreak = { seq: number; eventId: string; reason: "seq_gap" | "prev_hash_mismatch" | "hash_mismatch"; detail: string };

/**
 * Check a page of rows that should directly follow (prevSeq, prevHash). Returns the first broken
 * link, or the position to continue from.
 */
export function checkChainPage(
  rows: CanonicalAuditRow[],
  prevSeq: number,
  prevHash: string,
): { ok: true; lastSeq: number; lastHash: string } | { ok: false; broken: ChainBreak } {
  let seq = prevSeq;
  let hash = prevHash;
  for (const r of rows) {
    const n = Number(r.seq);
    if (n !== seq + 1) return { ok: false, broken: { seq: n, eventId: r.id, reason: "seq_gap", detail: `expected seq ${seq + 1}, found ${n}` } };
    if (r.prevHash !== hash) {
      return { ok: false, broken: { seq: n, eventId: r.id, reason: "prev_hash_mismatch", detail: `prev_hash ${r.prevHash} does not match the previous row's hash ${hash}` } };
    }
    const expected = auditRowHash(r);
    if (expected !== r.hash) {
      return { ok: false, broken: { seq: n, eventId: r.id, reason: "hash_mismatch", detail: `stored hash ${r.hash} but the row's content hashes to ${expected}` } };
    }
    seq = n;
    hash = r.hash;
  }
  return { ok: true, lastSeq: seq, lastHash: hash };
}
