// Guarded requests against a real database (docs/adr/0020-guarded-requests.md). The durable
// workflow is exercised with a real worker in apps/worker (guarded-request.int.test.ts); here the
// runner records approvals with the guard's own credential directly, as the workflow's activity
// does, so every rule the services and the database enforce is tested without waiting on Temporal.
import { randomBytes } from "node:crypto";
import { totpCode } from "@holdfast/auth";
import { sql, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  approveGuardedRequest,
  commitSnapshot,
  finishRun,
  openSnapshot,
  setUnitProtection,
  startRun,
  cancelGuardedRequest,
  changeMemberRole,
  confirmTotpEnrolment,
  createApiKey,
  DEFAULT_RETENTION_POLICY,
  getGuardSettings,
  getRetention,
  guardApply,
  guardApprove,
  GuardRefusedError,
  inviteMember,
  listAuditEvents,
  listGuardedRequests,
  listLegalHolds,
  listMembers,
  placeLegalHold,
  registerSource,
  releaseLegalHold,
  removeMember,
  setGuardDelay,
  setGuardian,
  setRetentionPolicy,
  signUp,
  startTotpEnrolment,
  syncDiscoveredUnits,
  systemContext,
  type GuardedRequestView,
  type GuardRunner,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
const D = DEFAULT_RETENTION_POLICY;

/** A runner without Temporal: approvals go straight to the guard's definer function. */
function directRunner(): GuardRunner & { started: string[]; cancelled: string[] } {
  const started: string[] = [];
  const cancelled: string[] = [];
  return {
    started,
    cancelled,
    startGuardedRequest: ({ requestId }) => {
      started.push(requestId);
      return Promise.resolve();
    },
    async approveGuardedRequest({ workflowId, userId }) {
      try {
        await guardApprove(t.guard.db, workflowId.replace(/^guarded-request:/, ""), userId);
        return { approved: true };
      } catch (err) {
        if (err instanceof GuardRefusedError) return { approved: false, code: err.code, reason: err.message };
        throw err;
      }
    },
    signalGuardedRequestCancelled: ({ workflowId }) => {
      cancelled.push(workflowId);
      return Promise.resolve();
    },
  };
}

interface Person {
  userId: string;
  email: string;
  ctx: TenantContext;
  /** A fresh code from their authenticator (two-factor enrolled). */
  code(): string;
}

async function enrol(userId: string): Promise<() => string> {
  const { secret } = await startTotpEnrolment(t.app.db, userId);
  await confirmTotpEnrolment(t.app.db, userId, totpCode(secret));
  return () => totpCode(secret);
}

async function newOrg(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const tenantId = organization.id;
  const owner: Person = { userId, email, ctx: { db: t.app.db, tenantId, actor: { type: "user", id: userId }, role: "owner" }, code: await enrol(userId) };
  const join = async (name: string, role: "admin" | "operator" | "viewer"): Promise<Person> => {
    const mail = `${name}-${randomBytes(3).toString("hex")}@example.test`;
    const { userId: id } = await signUp(t.app.db, { email: mail, password: "a long enough password", organizationName: `${name}'s own` });
    const { token } = await inviteMember(owner.ctx, { email: mail, role });
    await acceptInvitation(t.app.db, id, token);
    return { userId: id, email: mail, ctx: { db: t.app.db, tenantId, actor: { type: "user", id }, role }, code: await enrol(id) };
  };
  const admin = await join("second-admin", "admin");
  const viewer = await join("viewer", "viewer");
  const source = await registerSource(owner.ctx, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(systemContext(t.worker.db, tenantId, "guard-test"), { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Drive 1" }] });
  return { tenantId, owner, admin, viewer, sourceId: source.id, unitId: added[0]!.id };
}
type Org = Awaited<ReturnType<typeof newOrg>>;

/** The organisation's delay (and the platform's floor) set as the database owner: what a test environment may do. */
async function setDelaySeconds(tenantId: string, seconds: number) {
  await t.owner.pool.query("update organizations set guard_delay_seconds = $2 where id = $1", [tenantId, seconds]);
}

const audited = async (o: Org, action: string) => (await listAuditEvents(o.owner.ctx, { action })).items;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let A: Org;
let B: Org;

beforeAll(async () => {
  t = await createTestDatabase("guard");
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  A = await newOrg("guard-a");
  B = await newOrg("guard-b");
});

afterAll(async () => {
  await t?.drop();
});

describe("asking", () => {
  it("a shortening of retention becomes a pending request with the organisation's delay, and changes nothing", async () => {
    const runner = directRunner();
    const before = Date.now();
    const res = await setRetentionPolicy(A.owner.ctx, { scope: "organization", policy: { ...D, daily: 30 } }, {}, { guard: runner });
    expect(res.outcome).toBe("requested");
    const request = (res as { request: GuardedRequestView }).request;
    expect(request).toMatchObject({ kind: "retention.shorten", status: "pending", requestedBy: { type: "user", userId: A.owner.userId, name: A.owner.email }, approvedBy: null });
    expect(request.summary).toMatch(/Shorten retention for the whole organisation \(daily\)/);
    // The default delay is 72 hours; the lapse 14 days after that.
    const notBefore = Date.parse(request.notBefore);
    expect(notBefore - before).toBeGreaterThanOrEqual(72 * 3600_000 - 1000);
    expect(notBefore - before).toBeLessThan(72 * 3600_000 + 60_000);
    expect(Date.parse(request.expiresAt) - notBefore).toBe(14 * 86_400_000);
    expect(runner.started).toEqual([request.id]);
    expect((await getRetention(A.owner.ctx)).effective).toEqual(D);
    expect((await listGuardedRequests(A.viewer.ctx)).map((r) => r.id)).toContain(request.id);
    expect((await audited(A, "guarded_request.created"))[0]).toMatchObject({ targetId: request.id, metadata: { kind: "retention.shorten" } });
    // The same request twice is refused; another tenant does not see it.
    expect(await codeOf(setRetentionPolicy(A.admin.ctx, { scope: "organization", policy: { ...D, daily: 30 } }, {}, { guard: runner }))).toBe("CONFLICT");
    expect((await listGuardedRequests(B.owner.ctx)).map((r) => r.id)).not.toContain(request.id);
    await cancelGuardedRequest(A.owner.ctx, request.id, { reason: "test" }, runner);
  });

  it("without a job runner the request is cancelled at once and the caller is told to retry", async () => {
    expect(await codeOf(setRetentionPolicy(A.owner.ctx, { scope: "organization", policy: { ...D, weekly: 4 } }))).toBe("UNAVAILABLE");
    const [last] = await listGuardedRequests(A.owner.ctx, { filter: "all" });
    expect(last).toMatchObject({ kind: "retention.shorten", status: "cancelled", cancelledBy: { type: "system", id: "guard" } });
    expect((await getRetention(A.owner.ctx)).effective).toEqual(D);
  });

  it("releasing a hold, removing a member, lowering a role and guardians are requests; raising a role is not", async () => {
    const runner = directRunner();
    const hold = await placeLegalHold(A.owner.ctx, { reason: "litigation" });
    expect((await releaseLegalHold(A.admin.ctx, hold.id, { guard: runner })).kind).toBe("legal_hold.release");
    expect((await removeMember(A.owner.ctx, A.viewer.userId, { guard: runner })).kind).toBe("member.remove");
    expect((await changeMemberRole(A.owner.ctx, { userId: A.admin.userId, role: "viewer" }, { guard: runner })).outcome).toBe("requested");
    expect((await setGuardian(A.owner.ctx, { userId: A.viewer.userId, guardian: true }, { guard: runner })).outcome).toBe("requested");
    expect(await setGuardian(A.owner.ctx, { userId: A.viewer.userId, guardian: false }, { guard: runner })).toEqual({ outcome: "applied", result: { userId: A.viewer.userId, guardian: false } });
    expect((await setGuardDelay(A.owner.ctx, { hours: 24 }, { guard: runner })).outcome).toBe("requested");
    expect(await setGuardDelay(A.owner.ctx, { hours: 96 }, { guard: runner })).toMatchObject({ outcome: "applied", result: { delayHours: 96 } });
    expect(await codeOf(setGuardDelay(A.admin.ctx, { hours: 100 }, { guard: runner }))).toBe("FORBIDDEN");
    // Nothing changed yet.
    expect((await listLegalHolds(A.owner.ctx)).find((h) => h.id === hold.id)?.active).toBe(true);
    expect((await listMembers(A.owner.ctx)).map((m) => [m.email, m.role, m.guardian])).toEqual([
      [A.owner.email, "owner", false],
      [A.admin.email, "admin", false],
      [A.viewer.email, "viewer", false],
    ]);
    for (const r of await listGuardedRequests(A.owner.ctx)) await cancelGuardedRequest(A.owner.ctx, r.id, {}, runner);
    await setDelaySeconds(A.tenantId, 259_200);
    // Holdfast's own operators have no way in.
    const operator: TenantContext = { ...A.owner.ctx, actor: { type: "operator", id: "ops@holdfast" } };
    expect(await codeOf(setRetentionPolicy(operator, { scope: "organization", policy: { ...D, daily: 1 } }, {}, { guard: runner }))).toBe("FORBIDDEN");
  });
});

describe("approving and cancelling", () => {
  it("needs a second person who could approve when it was asked, with a fresh code; the requester, an API key and a viewer cannot", async () => {
    const runner = directRunner();
    const req = await releaseLegalHold(A.owner.ctx, (await placeLegalHold(A.owner.ctx, { reason: "audit" })).id, { guard: runner });
    expect(await codeOf(approveGuardedRequest(A.owner.ctx, req.id, { code: A.owner.code() }, runner))).toBe("FORBIDDEN");
    expect(await codeOf(approveGuardedRequest(A.viewer.ctx, req.id, { code: A.viewer.code() }, runner))).toBe("FORBIDDEN");
    const { apiKey } = await createApiKey(A.owner.ctx, { name: "automation", role: "admin" });
    const keyCtx: TenantContext = { db: t.app.db, tenantId: A.tenantId, actor: { type: "api_key", id: apiKey.id }, role: "admin" };
    expect(await codeOf(approveGuardedRequest(keyCtx, req.id, { code: "123456" }, runner))).toBe("FORBIDDEN");
    expect(await codeOf(approveGuardedRequest(A.admin.ctx, req.id, { code: "000000" }, runner))).toBe("VALIDATION");
    expect(await codeOf(approveGuardedRequest(A.admin.ctx, req.id, { code: "12ab" }, runner))).toBe("VALIDATION");
    expect(await codeOf(approveGuardedRequest(B.admin.ctx, req.id, { code: B.admin.code() }, runner))).toBe("NOT_FOUND");
    // The refusals in this tenant are audited (a malformed code never reaches the request; B's is another tenant's log).
    expect((await audited(A, "guarded_request.approve_refused")).map((e) => e.targetId)).toEqual([req.id, req.id, req.id, req.id]);
    const ok = await approveGuardedRequest(A.admin.ctx, req.id, { code: A.admin.code() }, runner);
    expect(ok).toMatchObject({ status: "approved", approvedBy: { userId: A.admin.userId, name: A.admin.email } });
    expect(await codeOf(approveGuardedRequest(A.admin.ctx, req.id, { code: A.admin.code() }, runner))).toBe("CONFLICT");
    // Approved is not done: the delay has not passed, and the guard refuses to run it early.
    await expect(guardApply(t.guard.db, req.id)).rejects.toThrow(/cooling-off delay runs until/);
    await expect(guardApply(t.guard.db, req.id)).rejects.toMatchObject({ code: "CONFLICT" });
    // A viewer cannot cancel; the requester, an admin or a guardian can, even once approved.
    expect(await codeOf(cancelGuardedRequest(A.viewer.ctx, req.id, {}, runner))).toBe("FORBIDDEN");
    const cancelled = await cancelGuardedRequest(A.admin.ctx, req.id, { reason: "not agreed" }, runner);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledBy: { type: "user", id: A.admin.userId, name: A.admin.email }, cancelReason: "not agreed" });
    expect(runner.cancelled).toEqual([`guarded-request:${req.id}`]);
    expect(await codeOf(cancelGuardedRequest(A.owner.ctx, req.id, {}, runner))).toBe("CONFLICT");
    await expect(guardApply(t.guard.db, req.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("someone made an admin after the request cannot approve it", async () => {
    const runner = directRunner();
    const req = await removeMember(A.owner.ctx, A.viewer.userId, { guard: runner });
    const late = await changeMemberRole(A.owner.ctx, { userId: A.viewer.userId, role: "admin" }, { guard: runner });
    expect(late.outcome).toBe("applied");
    expect(await codeOf(approveGuardedRequest({ ...A.viewer.ctx, role: "admin" }, req.id, { code: A.viewer.code() }, runner))).toBe("FORBIDDEN");
    // The database says the same to the guard itself.
    await expect(guardApprove(t.guard.db, req.id, A.viewer.userId)).rejects.toThrow(/before the request was made/);
    await expect(guardApprove(t.guard.db, req.id, A.viewer.userId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await cancelGuardedRequest(A.owner.ctx, req.id, {}, runner);
  });
});

describe("carrying out", () => {
  it("runs exactly what was approved once the delay has passed: retention, a hold, a member, a guardian", async () => {
    const C = await newOrg("guard-c");
    const runner = directRunner();
    await setDelaySeconds(C.tenantId, 2);
    const hold = await placeLegalHold(C.owner.ctx, { unitId: C.unitId, reason: "case 7" });
    const shorter = { ...D, daily: 30, yearly: 3 };
    const requests = [
      (await setRetentionPolicy(C.owner.ctx, { scope: "unit", scopeId: C.unitId, policy: shorter }, {}, { guard: runner })) as { request: GuardedRequestView },
      { request: await releaseLegalHold(C.owner.ctx, hold.id, { guard: runner }) },
      (await setGuardian(C.owner.ctx, { userId: C.viewer.userId, guardian: true }, { guard: runner })) as { request: GuardedRequestView },
    ].map((r) => r.request);
    for (const r of requests) await approveGuardedRequest(C.admin.ctx, r.id, { code: C.admin.code() }, runner);
    await sleep(2100);
    for (const r of requests) expect(await guardApply(t.guard.db, r.id)).toEqual({ status: "executed", failure: null });
    expect((await getRetention(C.owner.ctx, { unitId: C.unitId })).effective).toEqual(shorter);
    expect((await listLegalHolds(C.owner.ctx)).find((h) => h.id === hold.id)).toMatchObject({ active: false });
    const guardian = (await listMembers(C.owner.ctx)).find((m) => m.userId === C.viewer.userId);
    expect(guardian?.guardian).toBe(true);
    expect(guardian?.approverSince).not.toBeNull();
    // Each is carried out once: a second call is refused, not repeated.
    await expect(guardApply(t.guard.db, requests[0]!.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await audited(C, "guarded_request.executed")).length).toBe(3);
    // Removing a member, after which the last owner cannot be removed by a request either.
    await setDelaySeconds(C.tenantId, 1);
    const removal = await removeMember(C.owner.ctx, C.admin.userId, { guard: runner });
    await approveGuardedRequest({ ...C.viewer.ctx }, removal.id, { code: C.viewer.code() }, runner);
    await sleep(1100);
    expect(await guardApply(t.guard.db, removal.id)).toEqual({ status: "executed", failure: null });
    expect((await listMembers(C.owner.ctx)).map((m) => m.userId)).not.toContain(C.admin.userId);
  });

  it("shortening the delay itself waits for the delay in force, then never goes under the platform's floor", async () => {
    const G = await newOrg("guard-g");
    const runner = directRunner();
    await setDelaySeconds(G.tenantId, 7200);
    const req = ((await setGuardDelay(G.owner.ctx, { hours: 1 }, { guard: runner })) as { request: GuardedRequestView }).request;
    expect(Date.parse(req.notBefore) - Date.parse(req.requestedAt)).toBe(7200_000);
    await approveGuardedRequest(G.admin.ctx, req.id, { code: G.admin.code() }, runner);
    await expect(guardApply(t.guard.db, req.id)).rejects.toMatchObject({ code: "CONFLICT" });
    // The test's controlled clock: as the database owner, the delay is moved to have passed.
    await t.owner.pool.query("update guarded_requests set not_before = now() - interval '1 second' where id = $1", [req.id]);
    expect(await guardApply(t.guard.db, req.id)).toEqual({ status: "executed", failure: null });
    expect(await getGuardSettings(G.owner.ctx)).toEqual({ delayHours: 1, effectiveDelaySeconds: 3600 });
    expect(await codeOf(setGuardDelay(G.owner.ctx, { hours: 0.5 }, { guard: runner }))).toBe("VALIDATION"); // whole hours only
    // With the platform's floor above what was asked, the request fails and the delay stays.
    await setDelaySeconds(G.tenantId, 3 * 3600);
    const under = ((await setGuardDelay(G.owner.ctx, { hours: 1 }, { guard: runner })) as { request: GuardedRequestView }).request;
    await approveGuardedRequest(G.admin.ctx, under.id, { code: G.admin.code() }, runner);
    await t.owner.pool.query("update guarded_requests set not_before = now() - interval '1 second' where id = $1", [under.id]);
    await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 7200");
    try {
      expect(await guardApply(t.guard.db, under.id)).toEqual({ status: "failed", failure: "the delay asked for is under the platform's minimum" });
      expect(await getGuardSettings(G.owner.ctx)).toEqual({ delayHours: 3, effectiveDelaySeconds: 3 * 3600 });
    } finally {
      await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
    }
  });

  it("excluding an account that has backups is a request (and refused to direct SQL); one never backed up is excluded at once", async () => {
    const H = await newOrg("guard-h");
    const runner = directRunner();
    await setDelaySeconds(H.tenantId, 1);
    const worker = systemContext(t.worker.db, H.tenantId, "guard-test");
    const { added } = await syncDiscoveredUnits(worker, { sourceId: H.sourceId, units: [{ kind: "drive", externalId: "d-2", displayName: "Drive 2" }] });
    const fresh = added[0]!.id;
    const run = await startRun(worker, { sourceId: H.sourceId, trigger: "scheduled", workflowId: `backup:${H.sourceId}:guard` });
    const snap = await openSnapshot(worker, { unitId: H.unitId, runId: run.id });
    await commitSnapshot(worker, snap.id, { vaultSnapshotId: "vs-h", retainUntil: new Date(Date.now() + 86_400_000) });
    await finishRun(worker, run.id, { outcome: "finished" });
    expect(await setUnitProtection(H.owner.ctx, fresh, "excluded", { guard: runner })).toMatchObject({ outcome: "applied", result: { protection: "excluded" } });
    const asked = await setUnitProtection(H.owner.ctx, H.unitId, "excluded", { guard: runner });
    expect(asked).toMatchObject({ outcome: "requested", request: { kind: "unit.exclude", params: { unitId: H.unitId } } });
    const refused = await withTenant(t.app.db, H.tenantId, (tx) => tx.execute(sql`update units set protection = 'excluded' where id = ${H.unitId}`)).then(
      () => "accepted",
      (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
    );
    expect(refused).toMatch(/excluding an account that has backups needs an approved guarded request/);
    const request = (asked as { request: GuardedRequestView }).request;
    await approveGuardedRequest(H.admin.ctx, request.id, { code: H.admin.code() }, runner);
    await sleep(1100);
    expect(await guardApply(t.guard.db, request.id)).toEqual({ status: "executed", failure: null });
    const [unit] = (await t.owner.pool.query<{ protection: string }>("select protection::text from units where id = $1", [H.unitId])).rows;
    expect(unit?.protection).toBe("excluded");
    // Including again applies at once.
    expect((await setUnitProtection(H.owner.ctx, H.unitId, "included", { guard: runner })).outcome).toBe("applied");
  });

  it("a request that can no longer be carried out fails with the reason and changes nothing", async () => {
    const E = await newOrg("guard-e");
    const runner = directRunner();
    await setDelaySeconds(E.tenantId, 1);
    const first = await removeMember(E.owner.ctx, E.viewer.userId, { guard: runner });
    const demote = (await changeMemberRole(E.owner.ctx, { userId: E.viewer.userId, role: "viewer" }, { guard: runner })).outcome;
    expect(demote).toBe("applied"); // no change asked: nothing to guard
    const guardian = (await setGuardian(E.owner.ctx, { userId: E.viewer.userId, guardian: true }, { guard: runner })) as { request: GuardedRequestView };
    for (const r of [first, guardian.request]) await approveGuardedRequest(E.admin.ctx, r.id, { code: E.admin.code() }, runner);
    await sleep(1100);
    expect(await guardApply(t.guard.db, first.id)).toEqual({ status: "executed", failure: null });
    expect(await guardApply(t.guard.db, guardian.request.id)).toEqual({ status: "failed", failure: "they are no longer a member" });
    expect((await audited(E, "guarded_request.failed"))[0]).toMatchObject({ targetId: guardian.request.id, metadata: { failure: "they are no longer a member" } });
  });
});

// The floor beneath the verbs: whoever holds the application role's connection writes SQL directly
// and still cannot approve, run, or skip the delay of a request, nor do what one would do.
describe("the database, for a writer with the application role", () => {
  let F: Org;
  const asApp = async (statement: SQL): Promise<string> => {
    try {
      await withTenant(t.app.db, F.tenantId, (tx) => tx.execute(statement));
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return e.cause?.message ?? e.message;
    }
    return "accepted";
  };
  const asGuard = async (statement: SQL): Promise<string> => {
    try {
      await t.guard.db.execute(statement);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return e.cause?.message ?? e.message;
    }
    return "accepted";
  };

  beforeAll(async () => {
    F = await newOrg("guard-f");
  });

  it("inserts a request only as pending, with the database's own dates", async () => {
    const id = (await withTenant(t.app.db, F.tenantId, (tx) =>
      tx.execute<{ id: string; status: string; not_before: Date; approved_by_user_id: string | null }>(sql`
        insert into guarded_requests (tenant_id, kind, params, summary, requested_by_actor_type, requested_by_actor_id, requested_by_user_id,
                                      requested_at, not_before, expires_at, status, approved_by_user_id, approved_at, workflow_id)
        values (${F.tenantId}, 'member.remove', ${JSON.stringify({ userId: F.admin.userId })}::jsonb, 'forged', 'user', ${F.owner.userId}, ${F.owner.userId},
                now() - interval '10 days', now() - interval '9 days', now() + interval '1 day', 'approved', ${F.admin.userId}, now(), 'none')
        returning id, status::text, not_before, approved_by_user_id`),
    )).rows[0]!;
    expect(id.status).toBe("pending");
    expect(id.approved_by_user_id).toBeNull();
    expect(new Date(id.not_before).getTime()).toBeGreaterThan(Date.now() + 71 * 3600_000);
    // Then it can neither approve it, nor move its dates, nor run it.
    expect(await asApp(sql`update guarded_requests set status = 'approved', approved_by_user_id = ${F.admin.userId} where id = ${id.id}`)).toMatch(/only be cancelled/);
    expect(await asApp(sql`update guarded_requests set not_before = now() where id = ${id.id}`)).toMatch(/only be cancelled/);
    expect(await asApp(sql`update guarded_requests set status = 'executed' where id = ${id.id}`)).toMatch(/only be cancelled/);
    expect(await asApp(sql`select holdfast_guard_approve(${id.id}::uuid, ${F.admin.userId}::uuid)`)).toMatch(/permission denied/);
    expect(await asApp(sql`select holdfast_guard_apply(${id.id}::uuid)`)).toMatch(/permission denied/);
    expect(await asApp(sql`select holdfast_guard_expire(${id.id}::uuid)`)).toMatch(/permission denied/);
    expect(await asApp(sql`delete from guarded_requests where id = ${id.id}`)).toMatch(/permission denied/);
    expect(await asApp(sql`update holdfast_platform_settings set min_guard_delay_seconds = 0`)).toMatch(/permission denied/);
    expect(await asApp(sql`alter table guarded_requests disable trigger guarded_requests_guard`)).toMatch(/must be owner/);
    // Cancelling is the one change it may make.
    expect(await asApp(sql`update guarded_requests set status = 'cancelled', cancelled_by_actor_type = 'user', cancelled_by_actor_id = ${F.owner.userId} where id = ${id.id}`)).toBe("accepted");
  });

  it("cannot remove a member, lower a role, touch a guardian, or shorten the delay", async () => {
    expect(await asApp(sql`delete from memberships where user_id = ${F.admin.userId}`)).toMatch(/removing a member needs an approved guarded request/);
    expect(await asApp(sql`update memberships set role = 'viewer' where user_id = ${F.admin.userId}`)).toMatch(/lowering a member's role/);
    expect(await asApp(sql`update memberships set guardian = true where user_id = ${F.viewer.userId}`)).toMatch(/guardian needs an approved guarded request/);
    expect(await asApp(sql`update organizations set guard_delay_seconds = 60 where id = ${F.tenantId}`)).toMatch(/cooling-off delay needs an approved guarded request/);
    expect(await asApp(sql`update memberships set approver_since = now() - interval '1 year' where user_id = ${F.viewer.userId}`)).toBe("accepted");
    // …but approver_since is the database's: the viewer still cannot approve anything.
    const [m] = (await t.owner.pool.query<{ approver_since: Date | null }>("select approver_since from memberships where user_id = $1 and tenant_id = $2", [F.viewer.userId, F.tenantId])).rows;
    expect(m?.approver_since).toBeNull();
    expect(await asApp(sql`update memberships set role = 'owner' where user_id = ${F.viewer.userId}`)).toBe("accepted"); // raising is allowed (and announced)
  });

  it("the guard's credential can call the guard's functions and nothing else", async () => {
    expect(await asGuard(sql`select * from guarded_requests`)).toMatch(/permission denied/);
    expect(await asGuard(sql`update retention_policies set policy = '{}'::jsonb`)).toMatch(/permission denied/);
    expect(await asGuard(sql`delete from memberships`)).toMatch(/permission denied/);
    expect(await asGuard(sql`select * from holdfast_platform_settings`)).toMatch(/permission denied/);
    await expect(guardApply(t.guard.db, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
