// Daily signed digests of a tenant's audit chain (issue 7): for each finished UTC day, the last
// event before the day's end (seq and hash) and the day's count, signed with the tenant's Ed25519
// key. The worker builds them and writes them into the tenant's vault under a compliance lock, so a
// rewrite of the whole chain by someone holding the database owner's credentials is still caught
// offline (`holdfast-restore verify-audit`).
import { and, auditDigests, auditEvents, desc, eq, GENESIS_HASH, gte, lt, sql, withTenant, type Database } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden, notFound, validation } from "../errors";
import { iso } from "../types";
import {
  AUDIT_DIGEST_FORMAT,
  AUDIT_DIGEST_RETENTION_YEARS,
  AUDIT_SIGNING_KEY_FORMAT,
  AUDIT_SIGNING_KEY_OBJECT,
  AuditDay,
  type AuditDigest,
  type AuditDigestList,
  type AuditDigestPayload,
  auditDigestObjectKey,
  GetAuditDigestInput,
  ListAuditDigestsInput,
  type SignedAuditDigest,
} from "./digest-types";
import { ensureSigningKey, findSigningKey, signWithKey } from "./signing-key";

/**
 * A day is digested only this long after it ends: an event's occurred_at is its transaction's
 * start, so a transaction open across midnight can still append to the day for a little while.
 */
export const AUDIT_DIGEST_GRACE_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

function lockedUntilFor(createdAt: Date): Date {
  const d = new Date(createdAt);
  d.setUTCFullYear(d.getUTCFullYear() + AUDIT_DIGEST_RETENTION_YEARS);
  return d;
}

type DigestRow = typeof auditDigests.$inferSelect;

function view(r: DigestRow): AuditDigest {
  return {
    day: r.day,
    fromSeq: r.fromSeq,
    toSeq: r.toSeq,
    eventCount: r.eventCount,
    lastHash: r.lastHash,
    vaultKey: r.vaultKey,
    lockedUntil: iso(r.lockedUntil),
    createdAt: iso(r.createdAt),
  };
}

export interface BuiltAuditDigest extends AuditDigest, SignedAuditDigest {
  /** False when the day had been digested before and the stored digest was returned. */
  created: boolean;
}

/**
 * Digests one finished UTC day. Idempotent per day: a second call returns the stored digest
 * unchanged. Worker only (it holds the signing key's KEK and writes the vault).
 */
export async function buildDailyDigest(ctx: TenantContext, rawDay: string, now: Date = new Date()): Promise<BuiltAuditDigest> {
  if (ctx.actor.type !== "system") throw forbidden("Audit digests are signed by the worker only");
  const day = AuditDay.parse(rawDay);
  const start = dayStart(day);
  const end = new Date(start.getTime() + DAY_MS);
  if (now.getTime() < end.getTime() + AUDIT_DIGEST_GRACE_MS) throw validation(`Day ${day} is not finished yet; it can be digested from ${iso(new Date(end.getTime() + AUDIT_DIGEST_GRACE_MS))}`);

  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const stored = async () => (await tx.select().from(auditDigests).where(and(eq(auditDigests.tenantId, ctx.tenantId), eq(auditDigests.day, day))))[0];
    const existing = await stored();
    if (existing) return { ...view(existing), payload: existing.payload, signature: existing.signature, created: false };

    const [stats] = await tx
      .select({ count: sql<number>`count(*)::int`, fromSeq: sql<number | null>`min(${auditEvents.seq})` })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, ctx.tenantId), gte(auditEvents.occurredAt, start), lt(auditEvents.occurredAt, end)));
    const [last] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, ctx.tenantId), lt(auditEvents.occurredAt, end)))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    const toSeq = last ? Number(last.seq) : 0;
    const eventCount = stats?.count ?? 0;
    const fromSeq = eventCount > 0 && stats?.fromSeq != null ? Number(stats.fromSeq) : toSeq + 1;

    const key = await ensureSigningKey(tx, ctx);
    const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const payloadObject: AuditDigestPayload = {
      format: AUDIT_DIGEST_FORMAT,
      tenantId: ctx.tenantId,
      day,
      fromSeq,
      toSeq,
      eventCount,
      lastHash: last?.hash ?? GENESIS_HASH,
      publicKey: key.publicKey,
      createdAt: iso(createdAt),
    };
    const payload = JSON.stringify(payloadObject);
    const signature = signWithKey(key, ctx.tenantId, payload);
    const [inserted] = await tx
      .insert(auditDigests)
      .values({
        tenantId: ctx.tenantId,
        day,
        fromSeq,
        toSeq,
        eventCount,
        lastHash: payloadObject.lastHash,
        payload,
        signature,
        vaultKey: auditDigestObjectKey(day),
        lockedUntil: lockedUntilFor(createdAt),
        createdAt,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      // A concurrent run digested the same day first: its digest is the one.
      const winner = await stored();
      if (!winner) throw new Error(`audit digest for ${day} vanished after a conflicting insert`);
      return { ...view(winner), payload: winner.payload, signature: winner.signature, created: false };
    }
    await audit(tx, ctx, "audit.digest_signed", { type: "audit_digest", id: inserted.id }, { day, toSeq, eventCount });
    return { ...view(inserted), payload, signature, created: true };
  });
}

/** The finished days (oldest first) to digest at `now`: the last `maxDays`, none before the tenant's first event. */
export async function auditDigestDaysDue(ctx: TenantContext, now: Date, maxDays: number): Promise<string[]> {
  const [first] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select({ at: auditEvents.occurredAt }).from(auditEvents).where(eq(auditEvents.tenantId, ctx.tenantId)).orderBy(auditEvents.seq).limit(1),
  );
  if (!first) return [];
  const firstDay = utcDay(first.at);
  const lastFinished = utcDay(new Date(now.getTime() - AUDIT_DIGEST_GRACE_MS - DAY_MS));
  const days: string[] = [];
  for (let i = maxDays - 1; i >= 0; i--) {
    const d = utcDay(new Date(dayStart(lastFinished).getTime() - i * DAY_MS));
    if (d >= firstDay) days.push(d);
  }
  return days;
}

/** Tenants whose digests the worker writes: those with a vault (the narrow definer function of migration 0023). */
export async function auditDigestTenants(db: Database): Promise<string[]> {
  const res = await db.execute<{ tenant_id: string }>(sql`select tenant_id from holdfast_audit_digest_tenants() order by tenant_id`);
  return res.rows.map((r) => r.tenant_id);
}

export async function listAuditDigests(ctx: TenantContext, raw: ListAuditDigestsInput = {}): Promise<AuditDigestList> {
  const input = ListAuditDigestsInput.parse(raw);
  requireRole(ctx, "viewer", "Reading the audit digests");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select().from(auditDigests).where(eq(auditDigests.tenantId, ctx.tenantId)).orderBy(desc(auditDigests.day)).limit(input.limit),
  );
  const key = await findSigningKey(ctx);
  return { items: rows.map(view), publicKey: key?.publicKey ?? null };
}

/** The digest exactly as written to the vault: `{payload, signature}`. */
export async function getAuditDigest(ctx: TenantContext, raw: GetAuditDigestInput): Promise<SignedAuditDigest> {
  const { day } = GetAuditDigestInput.parse(raw);
  requireRole(ctx, "viewer", "Reading the audit digests");
  const [row] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select({ payload: auditDigests.payload, signature: auditDigests.signature }).from(auditDigests).where(and(eq(auditDigests.tenantId, ctx.tenantId), eq(auditDigests.day, day))),
  );
  if (!row) throw notFound(`Audit digest for ${day}`);
  return { payload: row.payload, signature: row.signature };
}

export interface AuditVaultObject {
  key: string;
  body: Uint8Array;
  retainUntil: Date;
}

/** The digest's vault object: `{payload, signature}` as JSON, locked until the row says. */
export function auditDigestVaultObject(d: Pick<BuiltAuditDigest, "day" | "payload" | "signature" | "lockedUntil">): AuditVaultObject {
  const body: SignedAuditDigest = { payload: d.payload, signature: d.signature };
  return { key: auditDigestObjectKey(d.day), body: new TextEncoder().encode(`${JSON.stringify(body, null, 2)}\n`), retainUntil: new Date(d.lockedUntil) };
}

/** The public key's vault object; its lock is raised to each new digest's, so it outlives them all. */
export async function auditSigningKeyVaultObject(ctx: TenantContext, retainUntil: Date): Promise<AuditVaultObject> {
  const key = await findSigningKey(ctx);
  if (!key) throw notFound("Audit signing key");
  const body = { format: AUDIT_SIGNING_KEY_FORMAT, tenantId: ctx.tenantId, algorithm: "ed25519", publicKey: key.publicKey, createdAt: iso(key.createdAt) };
  return { key: AUDIT_SIGNING_KEY_OBJECT, body: new TextEncoder().encode(`${JSON.stringify(body, null, 2)}\n`), retainUntil };
}
