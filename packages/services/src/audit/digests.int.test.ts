// Signed daily audit digests against a real database: the signature verifies with the published
// public key, a day's seq range and last hash match the chain, a day is digested once, and one
// tenant never sees another's digests.
import { createPublicKey, randomBytes, verify } from "node:crypto";
import { sql } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuditDigestPayload,
  auditDigestDaysDue,
  auditDigestTenants,
  buildDailyDigest,
  exportAuditEvents,
  getAuditDigest,
  listAuditDigests,
  signUp,
  systemContext,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
const DAY_MS = 86_400_000;

async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { owner, viewer: { ...owner, role: "viewer" as const }, worker: systemContext(t.app.db, organization.id, "digest-test"), tenantId: organization.id };
}

/** The database's own view of the chain: every event's seq, day and hash. */
async function chain(tenantId: string) {
  const res = await t.owner.db.execute<{ seq: string; day: string; hash: string }>(
    sql`select seq::text, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, hash from audit_events where tenant_id = ${tenantId} order by seq`,
  );
  return res.rows.map((r) => ({ seq: Number(r.seq), day: r.day, hash: r.hash }));
}

const verifies = (publicKey: string, payload: string, signature: string) =>
  verify(null, Buffer.from(payload, "utf8"), createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey, "base64").toString("base64url") }, format: "jwk" }), Buffer.from(signature, "base64"));

beforeAll(async () => {
  t = await createTestDatabase("audit_digests");
});
afterAll(async () => {
  await t?.drop();
});

describe("buildDailyDigest", () => {
  it("signs the day's range, count and last hash with a key that verifies, once per day", async () => {
    const a = await newTenant("digest-a");
    const events = await chain(a.tenantId);
    expect(events.length).toBeGreaterThan(0);
    const today = events.at(-1)!.day;
    const tomorrow = new Date(new Date(`${today}T00:00:00Z`).getTime() + DAY_MS + 60 * 60_000);

    const d = await buildDailyDigest(a.worker, today, tomorrow);
    expect(d.created).toBe(true);
    const todays = events.filter((e) => e.day === today);
    const payload = AuditDigestPayload.parse(JSON.parse(d.payload));
    expect(payload).toMatchObject({
      format: "holdfast-audit-digest-v1",
      tenantId: a.tenantId,
      day: today,
      fromSeq: todays[0]!.seq,
      toSeq: events.at(-1)!.seq,
      eventCount: todays.length,
      lastHash: events.at(-1)!.hash,
    });
    expect(verifies(payload.publicKey, d.payload, d.signature)).toBe(true);
    // One flipped character of the payload and the signature no longer holds.
    expect(verifies(payload.publicKey, d.payload.replace(`"eventCount":${todays.length}`, `"eventCount":${todays.length + 1}`), d.signature)).toBe(false);

    // Signing was audited, after the day: a second run returns the stored digest unchanged.
    const again = await buildDailyDigest(a.worker, today, new Date(tomorrow.getTime() + DAY_MS));
    expect(again).toMatchObject({ created: false, payload: d.payload, signature: d.signature });
    const listed = await listAuditDigests(a.viewer);
    expect(listed.items.map((i) => i.day)).toEqual([today]);
    expect(listed.publicKey).toBe(payload.publicKey);
    expect(listed.items[0]).toMatchObject({ vaultKey: `audit/digests/${today}.json`, toSeq: payload.toSeq });
    expect(new Date(listed.items[0]!.lockedUntil).getUTCFullYear()).toBe(new Date(payload.createdAt).getUTCFullYear() + 7);
    expect(await getAuditDigest(a.viewer, { day: today })).toEqual({ payload: d.payload, signature: d.signature });
  });

  it("carries the previous last seq and hash through a day with no events", async () => {
    const a = await newTenant("digest-empty");
    const today = (await chain(a.tenantId)).at(-1)!.day;
    const yesterday = new Date(new Date(`${today}T00:00:00Z`).getTime() - DAY_MS).toISOString().slice(0, 10);
    const d = await buildDailyDigest(a.worker, yesterday, new Date(`${today}T12:00:00Z`));
    expect(JSON.parse(d.payload)).toMatchObject({ day: yesterday, fromSeq: 1, toSeq: 0, eventCount: 0, lastHash: "0".repeat(64) });
    // The tenant's first day is where its digests start.
    expect(await auditDigestDaysDue(a.worker, new Date(new Date(`${today}T00:00:00Z`).getTime() + 3 * DAY_MS), 7)).toEqual([
      today,
      new Date(new Date(`${today}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10),
    ]);
  });

  it("refuses an unfinished day and anyone but the worker", async () => {
    const a = await newTenant("digest-refuse");
    const today = (await chain(a.tenantId)).at(-1)!.day;
    expect(await codeOf(buildDailyDigest(a.worker, today))).toBe("VALIDATION");
    expect(await codeOf(buildDailyDigest(a.owner, today, new Date(Date.now() + 2 * DAY_MS)))).toBe("FORBIDDEN");
    expect(await codeOf(buildDailyDigest(a.worker, "2026-02-30", new Date(Date.now() + 2 * DAY_MS)))).toBe("VALIDATION");
  });

  it("keeps each tenant's digests and key to itself", async () => {
    const a = await newTenant("digest-iso-a");
    const b = await newTenant("digest-iso-b");
    const today = (await chain(a.tenantId)).at(-1)!.day;
    const later = new Date(new Date(`${today}T00:00:00Z`).getTime() + DAY_MS + 60 * 60_000);
    const da = await buildDailyDigest(a.worker, today, later);
    expect((await listAuditDigests(b.viewer)).items).toEqual([]);
    expect((await listAuditDigests(b.viewer)).publicKey).toBeNull();
    expect(await codeOf(getAuditDigest(b.viewer, { day: today }))).toBe("NOT_FOUND");
    const db = await buildDailyDigest(b.worker, today, later);
    const pa = AuditDigestPayload.parse(JSON.parse(da.payload));
    const pb = AuditDigestPayload.parse(JSON.parse(db.payload));
    expect(pb.publicKey).not.toBe(pa.publicKey);
    expect(pb.tenantId).toBe(b.tenantId);
    // Only tenants with a vault are digested by the worker; neither has one here.
    expect(await auditDigestTenants(t.app.db)).not.toContain(a.tenantId);
  });
});

describe("exportAuditEvents", () => {
  it("exports every event with the fields its hash covers, for admins only", async () => {
    const a = await newTenant("digest-export");
    const lines: string[] = [];
    for await (const l of exportAuditEvents(a.owner)) lines.push(l);
    const events = await chain(a.tenantId);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => l.hash)).toEqual(events.map((e) => e.hash));
    expect(Object.keys(parsed[0]!)).toEqual(
      expect.arrayContaining(["tenantId", "seq", "occurredAt", "actorType", "actorId", "action", "targetType", "targetId", "requestId", "ip", "metadataText", "prevHash", "hash"]),
    );
    await expect(async () => {
      for await (const _ of exportAuditEvents(a.viewer)) break;
    }).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
