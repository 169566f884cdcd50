// Closing an organisation against a real database (issue 7): a guarded request like any other
// destructive action (docs/adr/0020-guarded-requests.md). The runner records approvals with the
// guard's own credential, as the workflow's activity does (see guard/guard.int.test.ts); the
// durable workflow and the schedules' deletion are exercised in apps/worker (guarded-request.int.test.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { sql, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  approveGuardedRequest,
  authenticateApiKey,
  browse,
  cancelGuardedRequest,
  changeMemberRole,
  closeOrganization,
  commitSnapshot,
  createApiKey,
  createSource,
  finishRun,
  getGuardedRequest,
  getOrganization,
  getSource,
  guardApply,
  inviteMember,
  listApiKeys,
  listAuditEvents,
  listMembers,
  listMyOrganizations,
  listSnapshots,
  openSnapshot,
  ORGANIZATION_CLOSED,
  registerSource,
  requestBackup,
  requestExport,
  requestSourceConsent,
  sourcesClosedByRequest,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type TenantContext,
} from "../index";
import { codeOf, directGuardRunner, enrolledPerson } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;

/** Approvals go straight to the guard's definer function (no Temporal). */
const runner = directGuardRunner(() => t.guard.db);

const enrolled = (label: string) => enrolledPerson(t.app.db, label);

async function newOrg(label: string) {
  const o = await enrolled(`${label}-owner`);
  const name = `${label}-owner Ltd`;
  const owner: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: o.userId }, role: "owner" };
  const a = await enrolled(`${label}-admin`);
  await acceptInvitation(t.app.db, a.userId, (await inviteMember(owner, { email: a.email, role: "admin" })).token);
  const admin: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: a.userId }, role: "admin" };
  const viewer: TenantContext = { ...admin, role: "viewer" };
  const worker = systemContext(t.worker.db, o.tenantId, "close-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Drive 1" }] });
  const unitId = added[0]!.id;
  // One committed backup of the unit: what must stay readable after the closure.
  const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:1` });
  const snap = await openSnapshot(worker, { unitId, runId: run.id });
  await commitSnapshot(worker, snap.id, { vaultSnapshotId: `vs-${randomUUID()}`, retainUntil: new Date(Date.now() + 30 * 86_400_000) });
  await finishRun(worker, run.id, { outcome: "finished" });
  const key = await createApiKey(owner, { name: "CI export", role: "operator" });
  await t.owner.pool.query("update organizations set guard_delay_seconds = 2 where id = $1", [o.tenantId]);
  return { tenantId: o.tenantId, name, owner, ownerUserId: o.userId, ownerCode: o.code, admin, adminUserId: a.userId, adminCode: a.code, viewer, worker, sourceId: source.id, unitId, snapshotId: snap.id, key };
}
type Org = Awaited<ReturnType<typeof newOrg>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noJobs = { jobs: { startBackup: () => Promise.resolve() }, workflowId: (sourceId: string, key: string) => `backup:${sourceId}:${key}` };
const onboarding = { publicUrl: "https://console.example.test" };

/** The request asked by the owner, approved by the admin, its delay waited out, then carried out by the guard. */
async function closeThroughGuard(o: Org) {
  const request = await closeOrganization(o.owner, { confirmName: o.name }, { guard: runner });
  await approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner);
  await sleep(2100);
  expect(await guardApply(t.guard.db, request.id)).toEqual({ status: "executed", failure: null });
  return request;
}

/** SQL as the application role in the tenant (what a bug or an injection could run): the database's answer. */
async function asApp(o: Org, statement: SQL): Promise<string> {
  try {
    await withTenant(t.app.db, o.tenantId, (tx) => tx.execute(statement));
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  return "accepted";
}

/** The error a call rejects with (null if it resolves). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { code?: string; message?: string; details?: Record<string, unknown> },
  );

beforeAll(async () => {
  t = await createTestDatabase("org-close");
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
});

afterAll(async () => {
  await t?.drop();
});

describe("closing an organisation", () => {
  it("is asked for as a guarded request by an owner only, with the name typed exactly, and changes nothing until carried out", async () => {
    const o = await newOrg("close-ask");
    expect(await codeOf(closeOrganization(o.admin, { confirmName: o.name }, { guard: runner }))).toBe("FORBIDDEN");
    expect(await codeOf(closeOrganization(o.viewer, { confirmName: o.name }, { guard: runner }))).toBe("FORBIDDEN");
    const wrong = await failure(closeOrganization(o.owner, { confirmName: o.name.toUpperCase() }, { guard: runner }));
    expect(wrong).toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/type the organisation's name to confirm/) as unknown, details: { field: "confirmName" } });
    expect(await codeOf(closeOrganization(o.owner, { confirmName: ` ${o.name}` }, { guard: runner }))).toBe("VALIDATION");
    expect(await codeOf(closeOrganization(o.owner, {} as never, { guard: runner }))).toBe("VALIDATION");
    // No job runner: refused (503) and nothing left pending.
    expect(await codeOf(closeOrganization(o.owner, { confirmName: o.name }, { guard: undefined }))).toBe("UNAVAILABLE");

    const request = await closeOrganization(o.owner, { confirmName: o.name }, { guard: runner });
    expect(request).toMatchObject({ kind: "organization.close", label: "Close the organisation", status: "pending", params: {} });
    expect(request.summary).toBe(
      `Close the organisation "${o.name}": every source removed (no more backups, credentials deleted), every API key revoked; backups stay readable and exportable until their retention dates; it cannot be reopened`,
    );
    expect((await listAuditEvents(o.owner, { action: "guarded_request.created" })).items[0]).toMatchObject({ targetId: request.id, metadata: { kind: "organization.close" } });
    // Asking twice is refused while the first waits; the requester cannot approve it.
    expect(await codeOf(closeOrganization(o.owner, { confirmName: o.name }, { guard: runner }))).toBe("CONFLICT");
    expect(await codeOf(approveGuardedRequest(o.owner, request.id, { code: o.ownerCode() }, runner))).toBe("FORBIDDEN");
    // Approved, it still waits for its delay: nothing closed yet.
    await approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner);
    expect((await getOrganization(o.owner, o.tenantId)).closedAt).toBeNull();
    expect((await getSource(o.owner, o.sourceId)).status).toBe("connected");
    expect(await sourcesClosedByRequest(t.app.db, o.tenantId, request.id)).toEqual([]);
    await cancelGuardedRequest(o.owner, request.id, { reason: "changed our mind" }, runner);
    await sleep(2100);
    expect(await codeOf(guardApply(t.guard.db, request.id))).not.toBe("resolved");
    expect((await getOrganization(o.owner, o.tenantId)).closedAt).toBeNull();
  });

  it("once approved and due, the guard closes it: every source removed, every API key revoked, closedAt on the organisation's views", async () => {
    const o = await newOrg("close-run");
    const second = await registerSource(o.owner, { provider: "microsoft", displayName: "close-run M365", credentials: { tenantId: randomUUID() } });
    // A guarded request left open at the closure can still be cancelled afterwards.
    const demote = await changeMemberRole(o.owner, { userId: o.adminUserId, role: "viewer" }, { guard: runner });
    expect(demote.outcome).toBe("requested");
    const before = Date.now();
    const request = await closeThroughGuard(o);

    const org = await getOrganization(o.owner, o.tenantId);
    expect(Date.parse(org.closedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect((await listMyOrganizations(t.app.db, o.ownerUserId)).find((m) => m.id === o.tenantId)).toMatchObject({ closedAt: org.closedAt, role: "owner" });
    for (const id of [o.sourceId, second.id]) expect(await getSource(o.owner, id)).toMatchObject({ status: "removed", schedule: { paused: true } });
    expect((await listApiKeys(o.owner)).every((k) => k.revokedAt !== null)).toBe(true);
    expect(await codeOf(authenticateApiKey(t.app.db, `Bearer ${o.key.key}`))).toBe("UNAUTHORIZED");
    expect(await codeOf(authenticateApiKey(t.app.db, o.key.key))).toBe("UNAUTHORIZED");
    expect((await sourcesClosedByRequest(t.app.db, o.tenantId, request.id)).sort()).toEqual([o.sourceId, second.id].sort());
    expect((await listAuditEvents(o.owner, { action: "guarded_request.executed" })).items.map((e) => e.targetId)).toContain(request.id);
    // Another tenant's request id reads as nothing.
    const other = await newOrg("close-other");
    expect(await sourcesClosedByRequest(t.app.db, other.tenantId, request.id)).toEqual([]);
    expect((await getOrganization(other.owner, other.tenantId)).closedAt).toBeNull();
    // Members stay, and may still cancel what was left open.
    expect((await listMembers(o.owner)).map((m) => m.userId).sort()).toEqual([o.ownerUserId, o.adminUserId].sort());
    if (demote.outcome !== "requested") throw new Error("unreachable");
    await cancelGuardedRequest(o.owner, demote.request.id, { reason: "the organisation is closed" }, runner);
    expect((await getGuardedRequest(o.owner, demote.request.id)).status).toBe("cancelled");
  });

  it("nothing new is connected, backed up, invited or keyed (409 naming the date); its backups stay browsable and exportable", async () => {
    const o = await newOrg("close-verbs");
    const invitee = await enrolled("close-invitee");
    const pending = await inviteMember(o.owner, { email: invitee.email, role: "viewer" });
    await closeThroughGuard(o);
    const closedOn = new RegExp(`^The organisation was closed on ${new Date().toISOString().slice(0, 10)}; `);
    const refusals: [string, () => Promise<unknown>][] = [
      ["connect a source", () => createSource(o.owner, { provider: "microsoft_365", displayName: "late" }, onboarding)],
      ["reconnect", () => requestSourceConsent(o.owner, o.sourceId, onboarding)],
      ["on-demand backup", () => requestBackup(o.owner, o.sourceId, {}, noJobs)],
      ["invite", () => inviteMember(o.owner, { email: `late-${randomBytes(3).toString("hex")}@example.test`, role: "viewer" })],
      ["accept an earlier invitation", () => acceptInvitation(t.app.db, invitee.userId, pending.token)],
      ["create an API key", () => createApiKey(o.admin, { name: "persistence", role: "admin" })],
      ["close again", () => closeOrganization(o.owner, { confirmName: o.name }, { guard: runner })],
    ];
    for (const [what, call] of refusals) {
      expect(await failure(call()), what).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(closedOn) as unknown, details: { reason: ORGANIZATION_CLOSED } });
    }
    expect((await listApiKeys(o.owner)).map((k) => k.name)).toEqual(["CI export"]);
    expect((await listMembers(o.owner)).map((m) => m.userId)).not.toContain(invitee.userId);
    // Its backups: listed, browsable, exportable.
    expect((await listSnapshots(o.viewer, { unitId: o.unitId })).items.map((s) => s.id)).toEqual([o.snapshotId]);
    expect(await codeOf(browse(o.viewer, { unitId: o.unitId }))).toBe("resolved");
    expect((await requestExport(o.owner, { unitId: o.unitId, asOf: new Date().toISOString(), format: "zip" })).unitId).toBe(o.unitId);
    expect((await listAuditEvents(o.owner, { action: "organization.created" })).items).toHaveLength(1);
  });

  it("cannot be done, undone or re-dated by the application role's own SQL", async () => {
    const o = await newOrg("close-sql");
    expect(await asApp(o, sql`update organizations set closed_at = now() where id = ${o.tenantId}`)).toMatch(/closing an organisation needs an approved guarded request/);
    expect(await asApp(o, sql`insert into organizations (id, name, closed_at) values (${randomUUID()}, 'born closed', now())`)).toMatch(/closing an organisation needs an approved guarded request/);
    expect((await getOrganization(o.owner, o.tenantId)).closedAt).toBeNull();
    await closeThroughGuard(o);
    expect(await asApp(o, sql`update organizations set closed_at = null where id = ${o.tenantId}`)).toMatch(/closing an organisation needs an approved guarded request/);
    expect(await asApp(o, sql`update organizations set closed_at = now() - interval '1 year' where id = ${o.tenantId}`)).toMatch(/closing an organisation needs an approved guarded request/);
    // Renaming is not reopening: the trigger lets it through.
    expect(await asApp(o, sql`update organizations set name = 'still closed' where id = ${o.tenantId}`)).toBe("accepted");
    expect((await getOrganization(o.owner, o.tenantId)).closedAt).not.toBeNull();
  });
});
