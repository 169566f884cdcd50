// The console's retention router on a real Postgres (RLS on, app role): the verbs reached through
// tenantProcedure as a member of each role, another organisation, and a self-service user.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { DEFAULT_RETENTION_POLICY, listUnits, registerSource, signInWithIdentity, signUp, syncDiscoveredUnits, systemContext, type TenantContext } from "@holdfast/services";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrpcContext } from "./context";
import { createCaller } from "./router";

process.env.LOG_LEVEL ??= "silent";
process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const D = DEFAULT_RETENTION_POLICY;
const DOMAIN = `ret-${randomBytes(3).toString("hex")}.example`;
let t: TestDatabase;
const as = (userId: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "retention-int" }));

async function member(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { email, userId, orgId: organization.id, owner, caller: as(userId) };
}
type Member = Awaited<ReturnType<typeof member>>;

async function failure(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}
const code = async (p: Promise<unknown>) => (await failure(p)).code;

let alice: Member; // owner of the organisation under test
let viewer: Member; // a viewer there (a member, not self-service)
let mallory: Member; // owner of another organisation
let orgId: string;
let sourceId: string;
const unit = { drive: "", mail: "" };
let selfService: ReturnType<typeof as>;

beforeAll(async () => {
  t = await createTestDatabase("trpc-retention");
  [alice, viewer, mallory] = await Promise.all([member("alice"), member("vera"), member("mallory")]);
  orgId = alice.orgId;
  const { token } = await alice.caller.members.invite({ orgId, email: viewer.email, role: "viewer" });
  await viewer.caller.me.acceptInvitation({ token });

  const source = await registerSource(alice.owner, { provider: "google", displayName: DOMAIN, credentials: { refreshToken: "unused" } });
  sourceId = source.id;
  // Consent records the Workspace domain as the source's account (what self-service keys on); set directly here.
  await t.owner.pool.query("update sources set external_account_id = $1, status = 'connected' where id = $2", [DOMAIN, sourceId]);
  const owner = { externalId: "u-sam", email: `sam@${DOMAIN}`, state: "active" as const };
  await syncDiscoveredUnits(systemContext(t.app.db, orgId, "test-worker"), {
    sourceId,
    units: [
      { kind: "drive", externalId: "d-sam", displayName: "Sam Drive", owner },
      { kind: "gmail", externalId: "m-sam", displayName: "sam@example", owner },
    ],
  });
  const units = await listUnits(alice.owner, sourceId);
  unit.drive = units.find((u) => u.externalId === "d-sam")?.id ?? "";
  unit.mail = units.find((u) => u.externalId === "m-sam")?.id ?? "";
  const sam = await signInWithIdentity(t.app.db, { provider: "google", directoryId: DOMAIN, subject: "u-sam", email: `sam@${DOMAIN}`, name: "Sam" });
  selfService = as(sam.id);
});

afterAll(async () => {
  await t?.drop();
});

describe("retention router", () => {
  it("lets any member read the policy in force: Holdfast's default at first", async () => {
    expect(await viewer.caller.retention.get({ orgId })).toEqual({ effective: D, scope: "default", organization: null, legalHolds: [] });
    expect(await viewer.caller.retention.get({ orgId, unitId: unit.drive })).toMatchObject({ effective: D, scope: "default", source: null, unit: null });
    expect(await viewer.caller.retention.overrides({ orgId })).toEqual([]);
  });

  it("saves a lengthening by an admin at once", async () => {
    const saved = await alice.caller.retention.setPolicy({ orgId, scope: "organization", policy: { ...D, yearly: 10 } });
    expect(saved).toEqual({ outcome: "applied", scope: "organization", scopeId: null, policy: { ...D, yearly: 10 }, comparison: "longer" });
    expect(await viewer.caller.retention.get({ orgId })).toMatchObject({ scope: "organization", effective: { ...D, yearly: 10 }, organization: { ...D, yearly: 10 } });
  });

  it("turns a shortening into a guarded request, which without a job runner is refused (503) and changes nothing", async () => {
    // These callers have no job runner; guard.int.test.ts covers a request that is started.
    const err = await failure(alice.caller.retention.setPolicy({ orgId, scope: "organization", policy: { ...D, yearly: 10, daily: 7 } }));
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(err.message).toMatch(/job runner/);
    expect((await alice.caller.retention.get({ orgId })).effective).toEqual({ ...D, yearly: 10 });
    const [request] = await alice.caller.guard.list({ orgId, filter: "all" });
    expect(request).toMatchObject({ kind: "retention.shorten", status: "cancelled", cancelledBy: { type: "system" } });
  });

  it("rejects a malformed policy or scope as BAD_REQUEST naming the field", async () => {
    const bad = await failure(alice.caller.retention.setPolicy({ orgId, scope: "organization", policy: { ...D, keepAllDays: 0 } }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/keepAllDays/);
    // The scopeId rule lives in the service's schema: still the caller's fault, with the field named.
    const missing = await failure(alice.caller.retention.setPolicy({ orgId, scope: "source", policy: { ...D, yearly: 10 } }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(missing.cause).toMatchObject({ issues: [expect.objectContaining({ path: ["scopeId"] })] });
  });

  it("lists source and unit overrides with their names", async () => {
    await alice.caller.retention.setPolicy({ orgId, scope: "source", scopeId: sourceId, policy: { ...D, yearly: 12 } });
    await alice.caller.retention.setPolicy({ orgId, scope: "unit", scopeId: unit.drive, policy: { ...D, yearly: 12, forever: true } });
    const overrides = await viewer.caller.retention.overrides({ orgId });
    expect(overrides.map(({ updatedAt: _at, ...o }) => o)).toEqual([
      { scope: "source", scopeId: sourceId, name: DOMAIN, sourceName: null, policy: { ...D, yearly: 12 } },
      { scope: "unit", scopeId: unit.drive, name: "Sam Drive", sourceName: DOMAIN, policy: { ...D, yearly: 12, forever: true } },
    ]);
    expect(await viewer.caller.retention.get({ orgId, unitId: unit.mail })).toMatchObject({ scope: "source", effective: { ...D, yearly: 12 } });
    expect(await viewer.caller.retention.get({ orgId, unitId: unit.drive })).toMatchObject({ scope: "unit", effective: { forever: true } });
  });

  it("places organisation and unit legal holds and lists them newest first with the unit's name", async () => {
    const whole = await alice.caller.retention.legalHolds.place({ orgId, reason: "Litigation 2026-17" });
    const one = await alice.caller.retention.legalHolds.place({ orgId, unitId: unit.mail, reason: "HR investigation" });
    expect(whole).toMatchObject({ unitId: null, reason: "Litigation 2026-17", placedByUserId: alice.userId, active: true, releasedAt: null });
    const rows = await viewer.caller.retention.legalHolds.list({ orgId });
    expect(rows.map((h) => [h.id, h.unitName, h.reason])).toEqual([
      [one.id, "sam@example", "HR investigation"],
      [whole.id, null, "Litigation 2026-17"],
    ]);
    expect((await viewer.caller.retention.get({ orgId, unitId: unit.mail })).legalHolds.map((h) => h.id).toSorted()).toEqual([whole.id, one.id].toSorted());
    expect(await code(alice.caller.retention.legalHolds.place({ orgId, reason: "   " }))).toBe("BAD_REQUEST");
  });

  it("asks for a release as a guarded request (503 without a job runner) and keeps the hold active", async () => {
    const [hold] = await alice.caller.retention.legalHolds.list({ orgId });
    const err = await failure(alice.caller.retention.legalHolds.release({ orgId, id: hold!.id }));
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect((await alice.caller.retention.legalHolds.list({ orgId })).find((h) => h.id === hold!.id)).toMatchObject({ active: true, releasedAt: null });
  });

  it("lets a viewer read but not change retention or place holds", async () => {
    expect(await code(viewer.caller.retention.setPolicy({ orgId, scope: "organization", policy: { ...D, yearly: 20 } }))).toBe("FORBIDDEN");
    expect(await code(viewer.caller.retention.legalHolds.place({ orgId, reason: "mine" }))).toBe("FORBIDDEN");
    expect(await code(viewer.caller.retention.legalHolds.release({ orgId, id: (await viewer.caller.retention.legalHolds.list({ orgId }))[0]!.id }))).toBe("FORBIDDEN");
    expect((await viewer.caller.retention.get({ orgId })).effective).toEqual({ ...D, yearly: 10 });
  });

  it("answers NOT_FOUND for another organisation's ids, and for a non-member", async () => {
    const mine = mallory.orgId;
    const [hold] = await alice.caller.retention.legalHolds.list({ orgId });
    expect(await code(mallory.caller.retention.get({ orgId: mine, unitId: unit.drive }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.get({ orgId: mine, sourceId }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.setPolicy({ orgId: mine, scope: "unit", scopeId: unit.drive, policy: { ...D, forever: true } }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.setPolicy({ orgId: mine, scope: "source", scopeId: sourceId, policy: { ...D, forever: true } }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.legalHolds.place({ orgId: mine, unitId: unit.drive, reason: "probe" }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.legalHolds.release({ orgId: mine, id: hold!.id }))).toBe("NOT_FOUND");
    expect(await mallory.caller.retention.legalHolds.list({ orgId: mine })).toEqual([]);
    expect(await mallory.caller.retention.overrides({ orgId: mine })).toEqual([]);
    expect(await code(mallory.caller.retention.get({ orgId }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.retention.legalHolds.list({ orgId }))).toBe("NOT_FOUND");
  });

  it("gives a self-service user nothing: retention is for members only", async () => {
    // Sam owns the two units, and self-service reaches them elsewhere (checked here so the refusals below mean something).
    expect((await selfService.me.organizations()).map((o) => [o.id, o.selfService])).toEqual([[orgId, true]]);
    expect(await code(selfService.retention.get({ orgId }))).toBe("FORBIDDEN");
    expect(await code(selfService.retention.get({ orgId, unitId: unit.drive }))).toBe("FORBIDDEN");
    expect(await code(selfService.retention.overrides({ orgId }))).toBe("FORBIDDEN");
    expect(await code(selfService.retention.legalHolds.list({ orgId }))).toBe("FORBIDDEN");
    expect(await code(selfService.retention.setPolicy({ orgId, scope: "unit", scopeId: unit.drive, policy: { ...D, forever: true } }))).toBe("FORBIDDEN");
    expect(await code(selfService.retention.legalHolds.place({ orgId, unitId: unit.drive, reason: "mine" }))).toBe("FORBIDDEN");
  });
});
