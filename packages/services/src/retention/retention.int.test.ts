// Retention policies and legal holds against a real database (docs/adr/0018-retention-policies.md):
// lengthening applies at once, every weakening becomes a guarded request (docs/adr/0020), and each snapshot's
// retain-until follows the policy in force and the source's local calendar.
import { randomBytes } from "node:crypto";
import { sql, withTenant } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commitSnapshot,
  DEFAULT_RETENTION_POLICY,
  finishRun,
  getRetention,
  listAuditEvents,
  listLegalHolds,
  openSnapshot,
  placeLegalHold,
  registerSource,
  releaseLegalHold,
  setRetentionPolicy,
  signUp,
  snapshotRetainUntil,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type GuardRunner,
  type RetentionPolicy,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

/** Starts nothing: what a request's workflow then does is tested in guard/ and apps/worker. */
const idle: { guard: GuardRunner } = {
  guard: {
    startGuardedRequest: () => Promise.resolve(),
    approveGuardedRequest: () => Promise.resolve({ approved: true }),
    signalGuardedRequestCancelled: () => Promise.resolve(),
  },
};

let t: TestDatabase;
const T1 = new Date("2026-02-01T08:00:00Z");
const D = DEFAULT_RETENTION_POLICY;
const d = (iso: string) => new Date(iso);

async function newTenant(label: string, timeZone = "UTC") {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const worker = systemContext(t.worker.db, organization.id, "retention-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" }, schedule: { timezone: timeZone } });
  const { added } = await syncDiscoveredUnits(
    worker,
    {
      sourceId: source.id,
      units: [
        { kind: "drive", externalId: "d-1", displayName: "Drive 1" },
        { kind: "drive", externalId: "d-2", displayName: "Drive 2" },
      ],
    },
    T1,
  );
  const units = added.map((u) => u.id);
  return { owner, worker, tenantId: organization.id, sourceId: source.id, unitId: units[0]!, otherUnitId: units[1]! };
}

type Tenant = Awaited<ReturnType<typeof newTenant>>;

let A: Tenant;
let B: Tenant;

/** The owner's session seen with a lower role: what the role allows, not who, is under test. */
const as = (tn: Tenant, role: TenantContext["role"]): TenantContext => ({ ...tn.owner, role });
const actions = async (tn: Tenant, action: string) => (await listAuditEvents(tn.owner, { action })).items;

beforeAll(async () => {
  t = await createTestDatabase("retention");
  A = await newTenant("ret-a");
  B = await newTenant("ret-b");
});

afterAll(async () => {
  await t?.drop();
});

describe("retention policies", () => {
  it("uses Holdfast's default until the organisation sets one", async () => {
    const view = await getRetention(A.owner);
    expect(view).toEqual({ effective: D, scope: "default", organization: null, legalHolds: [] });
    expect(D).toMatchObject({ keepAllDays: 30, daily: 90, weekly: 26, monthly: 12, yearly: 7, forever: false, offboardedKeepDays: 365 });
    expect(await getRetention(as(A, "viewer"), { unitId: A.unitId })).toMatchObject({ effective: D, scope: "default", source: null, unit: null });
  });

  it("saves a lengthened organisation policy at once and audits before and after", async () => {
    const longer: RetentionPolicy = { ...D, yearly: 10 };
    expect(await setRetentionPolicy(A.owner, { scope: "organization", policy: longer })).toEqual({ outcome: "applied", scope: "organization", scopeId: null, policy: longer, comparison: "longer" });
    expect(await getRetention(A.owner)).toMatchObject({ effective: longer, scope: "organization", organization: longer });
    const [event] = await actions(A, "retention.policy_changed");
    expect(event).toMatchObject({ actorId: A.owner.actor.id, targetType: "organization", targetId: A.tenantId, metadata: { scope: "organization", before: D, beforeFrom: "default", after: longer, comparison: "longer" } });
    // Saving it again changes nothing and is not a second change.
    expect(await setRetentionPolicy(A.owner, { scope: "organization", policy: longer })).toMatchObject({ outcome: "applied", comparison: "same" });
    expect(await actions(A, "retention.policy_changed")).toHaveLength(1);
  });

  it("turns a shortened or mixed policy into a guarded request and saves nothing", async () => {
    const before = await getRetention(A.owner);
    for (const policy of [{ ...before.effective, daily: 7 }, { ...before.effective, daily: 7, yearly: 50 }]) {
      const res = await setRetentionPolicy(A.owner, { scope: "organization", policy }, {}, idle);
      expect(res).toMatchObject({ outcome: "requested", request: { kind: "retention.shorten", status: "pending", params: { scope: "organization", scopeId: null, policy } } });
      const [asked] = await actions(A, "guarded_request.created");
      expect(asked).toMatchObject({ actorId: A.owner.actor.id, metadata: { kind: "retention.shorten", params: { policy } } });
    }
    // Without a job runner nothing can wait out the delay: the request is cancelled and the caller told.
    expect(await codeOf(setRetentionPolicy(A.owner, { scope: "organization", policy: { ...before.effective, weekly: 1 } }))).toBe("UNAVAILABLE");
    expect(await getRetention(A.owner)).toEqual(before);
    expect(await actions(A, "guarded_request.created")).toHaveLength(3);
    expect(await actions(A, "retention.policy_changed")).toHaveLength(1);
  });

  it("lets a unit override win over its source's, and the source's over the organisation's", async () => {
    const org = (await getRetention(A.owner)).effective;
    const source: RetentionPolicy = { ...org, keepAllDays: 60 };
    const unit: RetentionPolicy = { ...source, forever: true };
    await setRetentionPolicy(A.owner, { scope: "source", scopeId: A.sourceId, policy: source });
    expect(await getRetention(A.owner, { sourceId: A.sourceId })).toMatchObject({ effective: source, scope: "source", organization: org, source });
    await setRetentionPolicy(A.owner, { scope: "unit", scopeId: A.unitId, policy: unit });
    expect(await getRetention(A.owner, { unitId: A.unitId })).toMatchObject({ effective: unit, scope: "unit", organization: org, source, unit });
    expect(await getRetention(A.owner, { unitId: A.otherUnitId })).toMatchObject({ effective: source, scope: "source", unit: null });
    // An override is compared with what it replaces: a unit override below its source's is a shortening.
    expect((await setRetentionPolicy(A.owner, { scope: "unit", scopeId: A.otherUnitId, policy: org }, {}, idle)).outcome).toBe("requested");
    // Leaving "forever" is a shortening even with every other rule at its maximum.
    expect((await setRetentionPolicy(A.owner, { scope: "unit", scopeId: A.unitId, policy: { ...unit, forever: false, keepAllDays: 36_500, yearly: 100 } }, {}, idle)).outcome).toBe("requested");
    expect((await getRetention(A.owner, { unitId: A.unitId })).effective).toEqual(unit);
  });

  it("lets only admins change retention, and never a self-service person", async () => {
    const longer = { ...D, yearly: 20 };
    for (const role of ["viewer", "operator"] as const) expect(await codeOf(setRetentionPolicy(as(A, role), { scope: "organization", policy: longer }))).toBe("FORBIDDEN");
    expect(await codeOf(setRetentionPolicy(as(A, "admin"), { scope: "organization", policy: longer }))).toBe("resolved");
    const selfService: TenantContext = { ...as(A, "viewer"), selfService: { unitIds: [A.unitId] } };
    expect(await codeOf(getRetention(selfService, { unitId: A.unitId }))).toBe("FORBIDDEN");
    expect(await codeOf(setRetentionPolicy({ ...selfService, role: "owner" }, { scope: "unit", scopeId: A.unitId, policy: { ...D, forever: true } }))).toBe("FORBIDDEN");
    expect(await codeOf(placeLegalHold({ ...selfService, role: "owner" }, { unitId: A.unitId, reason: "mine" }))).toBe("FORBIDDEN");
    expect(await codeOf(listLegalHolds(selfService))).toBe("FORBIDDEN");
    expect(await codeOf(snapshotRetainUntil({ ...selfService, role: "owner" }, A.unitId, T1))).toBe("FORBIDDEN");
  });

  it("treats another organisation's source or unit as not found, and names bad input", async () => {
    expect(await codeOf(getRetention(A.owner, { unitId: B.unitId }))).toBe("NOT_FOUND");
    expect(await codeOf(getRetention(A.owner, { sourceId: B.sourceId }))).toBe("NOT_FOUND");
    expect(await codeOf(getRetention(A.owner, { unitId: A.unitId, sourceId: B.sourceId }))).toBe("NOT_FOUND");
    expect(await codeOf(setRetentionPolicy(A.owner, { scope: "unit", scopeId: B.unitId, policy: { ...D, forever: true } }))).toBe("NOT_FOUND");
    expect(await codeOf(setRetentionPolicy(A.owner, { scope: "source", scopeId: B.sourceId, policy: { ...D, forever: true } }))).toBe("NOT_FOUND");
    expect(await codeOf(placeLegalHold(A.owner, { unitId: B.unitId, reason: "probe" }))).toBe("NOT_FOUND");
    expect(await codeOf(snapshotRetainUntil(A.worker, B.unitId, T1))).toBe("NOT_FOUND");
    expect(await codeOf(setRetentionPolicy(A.owner, { scope: "unit", policy: D }))).toBe("VALIDATION");
    expect(await codeOf(setRetentionPolicy(A.owner, { scope: "organization", policy: { ...D, keepAllDays: 0 } }))).toBe("VALIDATION");
    // B saw none of it.
    expect(await getRetention(B.owner)).toMatchObject({ scope: "default", organization: null });
  });
});

describe("legal holds", () => {
  it("places organisation and unit holds at once, audited, and lists them", async () => {
    const org = await placeLegalHold(A.owner, { reason: "  Litigation 2026-17  " });
    const unit = await placeLegalHold(A.owner, { unitId: A.unitId, reason: "HR investigation" });
    expect(org).toMatchObject({ unitId: null, reason: "Litigation 2026-17", placedByUserId: A.owner.actor.id, active: true, releasedAt: null });
    expect((await listLegalHolds(as(A, "viewer"))).map((h) => h.id).toSorted()).toEqual([org.id, unit.id].toSorted());
    expect((await getRetention(A.owner, { unitId: A.unitId })).legalHolds.map((h) => h.id).toSorted()).toEqual([org.id, unit.id].toSorted());
    expect((await getRetention(A.owner, { unitId: A.otherUnitId })).legalHolds.map((h) => h.id)).toEqual([org.id]);
    expect((await actions(A, "retention.legal_hold_placed")).map((e) => e.targetId).toSorted()).toEqual([org.id, unit.id].toSorted());
    expect(await codeOf(placeLegalHold(as(A, "operator"), { reason: "x" }))).toBe("FORBIDDEN");
    expect(await codeOf(placeLegalHold(A.owner, { reason: "   " }))).toBe("VALIDATION");
    expect(await listLegalHolds(B.owner)).toEqual([]);
  });

  it("asks for a hold's release as a guarded request and keeps the hold", async () => {
    const [hold] = await listLegalHolds(A.owner);
    const request = await releaseLegalHold(A.owner, hold!.id, idle);
    expect(request).toMatchObject({ kind: "legal_hold.release", status: "pending", params: { holdId: hold!.id } });
    expect((await listLegalHolds(A.owner)).find((h) => h.id === hold!.id)).toMatchObject({ active: true, releasedAt: null });
    expect(await codeOf(releaseLegalHold(A.owner, hold!.id, idle))).toBe("CONFLICT"); // already asked
    expect(await codeOf(releaseLegalHold(B.owner, hold!.id, idle))).toBe("NOT_FOUND");
    expect(await codeOf(releaseLegalHold(as(A, "viewer"), hold!.id, idle))).toBe("FORBIDDEN");
  });
});

describe("a snapshot's retain-until", () => {
  // Europe/Paris: 23:30 UTC on 31 December 2025 is already 1 January 2026 there.
  let C: Tenant;
  let n = 0;
  async function snapshotAt(at: Date, commit = true) {
    const run = await startRun(C.worker, { sourceId: C.sourceId, trigger: "scheduled", workflowId: `backup:${C.sourceId}:${++n}` }, at);
    const snap = await openSnapshot(C.worker, { unitId: C.unitId, runId: run.id }, at);
    if (!commit) return;
    await commitSnapshot(C.worker, snap.id, { vaultSnapshotId: `vs-${n}`, retainUntil: await snapshotRetainUntil(C.worker, C.unitId, at) }, at);
    await finishRun(C.worker, run.id, { outcome: "finished" }, at);
  }

  beforeAll(async () => {
    C = await newTenant("ret-c", "Europe/Paris");
  });

  it("keeps the first snapshot of the year for the yearly period, a second the same local day for keepAllDays", async () => {
    const first = d("2025-12-31T23:30:00Z");
    expect(await snapshotRetainUntil(C.worker, C.unitId, first)).toEqual(d("2032-12-31T23:30:00Z")); // 7 years
    await snapshotAt(first);
    // Same local day in Paris (in UTC it would be the first of 2026 and kept 7 years).
    expect(await snapshotRetainUntil(C.worker, C.unitId, d("2026-01-01T15:00:00Z"))).toEqual(d("2026-01-31T15:00:00Z")); // 30 days
    // Friday 2 January: a new day, but the same ISO week, month and year.
    expect(await snapshotRetainUntil(C.worker, C.unitId, d("2026-01-02T09:00:00Z"))).toEqual(d("2026-04-02T09:00:00Z")); // 90 days
  });

  it("does not count snapshots that were never committed", async () => {
    await snapshotAt(d("2026-01-03T08:00:00Z"), false);
    expect(await snapshotRetainUntil(C.worker, C.unitId, d("2026-01-03T10:00:00Z"))).toEqual(d("2026-04-03T10:00:00Z")); // still first of its day
  });

  it("keeps an offboarded user's snapshot at least offboardedKeepDays", async () => {
    await t.owner.pool.query("update units set state = 'suspended' where id = $1", [C.unitId]);
    expect(await snapshotRetainUntil(C.worker, C.unitId, d("2026-01-01T16:00:00Z"))).toEqual(d("2027-01-01T16:00:00Z")); // 365 days
    await t.owner.pool.query("update units set state = 'active' where id = $1", [C.unitId]);
  });

  it("follows the policy in force: a unit override to forever locks for 100 years", async () => {
    await setRetentionPolicy(C.owner, { scope: "unit", scopeId: C.unitId, policy: { ...D, forever: true } });
    expect(await snapshotRetainUntil(C.worker, C.unitId, d("2026-01-01T15:00:00Z"))).toEqual(d("2126-01-01T15:00:00Z"));
    expect(await snapshotRetainUntil(C.worker, C.otherUnitId, d("2026-01-01T15:00:00Z"))).toEqual(d("2033-01-01T15:00:00Z"));
  });
});

// The floor beneath the verbs (migration 0018): whoever holds the application role's database
// connection — a compromised console, a stolen credential — writes SQL directly, past every check
// above, and still cannot shorten retention, release a hold or pull a snapshot's retain-until in.
describe("the database's own guard, for a writer with the application role", () => {
  let E: Tenant;
  /** The server's message for a refused statement, run as the application role (or `db`'s) in E's tenant. */
  const refusal = async (statement: SQL, db = t.app.db): Promise<string> => {
    try {
      await withTenant(db, E.tenantId, (tx) => tx.execute(statement));
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return e.cause?.message ?? e.message;
    }
    return "accepted";
  };
  const policyJson = (p: RetentionPolicy) => JSON.stringify(p);

  beforeAll(async () => {
    E = await newTenant("ret-e");
    await setRetentionPolicy(E.owner, { scope: "organization", policy: { ...D, yearly: 10 } });
  });

  it("knows the same default policy as the services", async () => {
    const [row] = (await t.app.db.execute<{ p: RetentionPolicy }>(sql`select holdfast_default_retention() as p`)).rows;
    expect(row?.p).toEqual(D);
  });

  it("refuses a shortened policy row, a shorter new override, and moving a policy", async () => {
    expect(await refusal(sql`update retention_policies set policy = ${policyJson({ ...D, yearly: 1 })}::jsonb where scope = 'organization'`)).toMatch(/only be kept or lengthened/);
    expect(await refusal(sql`update retention_policies set policy = ${policyJson({ ...D, yearly: 10, forever: false, keepAllDays: 1 })}::jsonb`)).toMatch(/only be kept or lengthened/);
    // A new override is compared with what it inherits (the organisation's 10 years).
    expect(await refusal(sql`insert into retention_policies (tenant_id, scope, scope_id, policy) values (${E.tenantId}, 'unit', ${E.unitId}, ${policyJson(D)}::jsonb)`)).toMatch(/only be kept or lengthened/);
    expect(await refusal(sql`insert into retention_policies (tenant_id, scope, scope_id, policy) values (${E.tenantId}, 'source', ${E.sourceId}, ${policyJson({ ...D, yearly: 10, daily: 1 })}::jsonb)`)).toMatch(/only be kept or lengthened/);
    expect(await refusal(sql`update retention_policies set scope = 'source', scope_id = ${E.sourceId} where scope = 'organization'`)).toMatch(/cannot be moved|scope/);
    expect(await refusal(sql`delete from retention_policies`)).toMatch(/permission denied/);
    expect(await refusal(sql`alter table retention_policies disable trigger retention_policies_guard`)).toMatch(/must be owner/);
    expect((await getRetention(E.owner)).effective).toEqual({ ...D, yearly: 10 });
    // Lengthening through SQL is allowed (it weakens nothing).
    expect(await refusal(sql`insert into retention_policies (tenant_id, scope, scope_id, policy) values (${E.tenantId}, 'unit', ${E.unitId}, ${policyJson({ ...D, yearly: 10, forever: true })}::jsonb)`)).toBe("accepted");
    expect(await refusal(sql`update retention_policies set policy = ${policyJson({ ...D, keepAllDays: 1, forever: true })}::jsonb where scope = 'unit'`)).toBe("accepted");
    expect(await refusal(sql`update retention_policies set policy = ${policyJson({ ...D, yearly: 10 })}::jsonb where scope = 'unit'`)).toMatch(/only be kept or lengthened/);
  });

  it("refuses releasing or moving a legal hold", async () => {
    const hold = await placeLegalHold(E.owner, { unitId: E.otherUnitId, reason: "litigation 2026-17" });
    expect(await refusal(sql`update legal_holds set released_at = now() where id = ${hold.id}`)).toMatch(/guarded request/);
    expect(await refusal(sql`update legal_holds set unit_id = ${E.unitId} where id = ${hold.id}`)).toMatch(/cannot be moved/);
    expect(await refusal(sql`delete from legal_holds where id = ${hold.id}`)).toMatch(/permission denied/);
    expect((await listLegalHolds(E.owner)).find((h) => h.id === hold.id)).toMatchObject({ releasedAt: null });
  });

  it("lets a snapshot's retain-until move later, never earlier or away", async () => {
    const at = d("2026-03-02T10:00:00Z");
    const run = await startRun(E.worker, { sourceId: E.sourceId, trigger: "scheduled", workflowId: `backup:${E.sourceId}:guard` }, at);
    const snap = await openSnapshot(E.worker, { unitId: E.unitId, runId: run.id }, at);
    const until = await snapshotRetainUntil(E.worker, E.unitId, at);
    await commitSnapshot(E.worker, snap.id, { vaultSnapshotId: "vs-guard", retainUntil: until }, at);
    await finishRun(E.worker, run.id, { outcome: "finished" }, at);
    // The console's role may not write snapshots at all; the worker's, which may, is held by the same guard.
    expect(await refusal(sql`update snapshots set retain_until = retain_until + interval '1 day' where id = ${snap.id}`)).toMatch(/permission denied for table snapshots/);
    expect(await refusal(sql`update snapshots set retain_until = now() where id = ${snap.id}`, t.worker.db)).toMatch(/can only be extended/);
    expect(await refusal(sql`update snapshots set retain_until = null where id = ${snap.id}`, t.worker.db)).toMatch(/can only be extended/);
    expect(await refusal(sql`update snapshots set retain_until = retain_until + interval '1 day' where id = ${snap.id}`, t.worker.db)).toBe("accepted");
  });
});
