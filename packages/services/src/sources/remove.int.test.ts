// Removing a source against a real database (issue 7): a guarded request like any other
// destructive action (docs/adr/0020-guarded-requests.md). The runner records approvals with the
// guard's own credential, as the workflow's activity does (see guard/guard.int.test.ts); the
// durable workflow and the schedule's deletion are exercised in apps/worker (guarded-request.int.test.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { sources, sql, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  approveGuardedRequest,
  browse,
  cancelGuardedRequest,
  checkProtection,
  commitSnapshot,
  finishRun,
  getDashboard,
  getSource,
  guardApply,
  inviteMember,
  listAuditEvents,
  listSnapshots,
  listSources,
  loadSourceConnection,
  openSnapshot,
  registerSource,
  removeSource,
  requestBackup,
  requestExport,
  requestRestore,
  requestSourceConsent,
  setUnitProtection,
  sourceRemovedByRequest,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  updateSource,
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
  const owner: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: o.userId }, role: "owner" };
  const a = await enrolled(`${label}-admin`);
  await acceptInvitation(t.app.db, a.userId, (await inviteMember(owner, { email: a.email, role: "admin" })).token);
  const admin: TenantContext = { db: t.app.db, tenantId: o.tenantId, actor: { type: "user", id: a.userId }, role: "admin" };
  const viewer: TenantContext = { ...admin, role: "viewer" };
  const worker = systemContext(t.worker.db, o.tenantId, "remove-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Drive 1" }] });
  const unitId = added[0]!.id;
  // One committed backup of the unit: what must stay restorable after the removal.
  const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:1` });
  const snap = await openSnapshot(worker, { unitId, runId: run.id });
  await commitSnapshot(worker, snap.id, { vaultSnapshotId: `vs-${randomUUID()}`, retainUntil: new Date(Date.now() + 30 * 86_400_000) });
  await finishRun(worker, run.id, { outcome: "finished" });
  await t.owner.pool.query("update organizations set guard_delay_seconds = 2 where id = $1", [o.tenantId]);
  return { tenantId: o.tenantId, owner, admin, adminCode: a.code, viewer, worker, sourceId: source.id, unitId, snapshotId: snap.id };
}
type Org = Awaited<ReturnType<typeof newOrg>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noJobs = { jobs: { startBackup: () => Promise.resolve() }, workflowId: (sourceId: string, key: string) => `backup:${sourceId}:${key}` };

/** The request asked, approved by the second admin, its delay waited out, then carried out by the guard. */
async function removeThroughGuard(o: Org) {
  const request = await removeSource(o.owner, o.sourceId, { guard: runner });
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

beforeAll(async () => {
  t = await createTestDatabase("source-remove");
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
});

afterAll(async () => {
  await t?.drop();
});

describe("removing a source", () => {
  it("is asked for as a guarded request by an owner or admin, and changes nothing until carried out", async () => {
    const o = await newOrg("rm-ask");
    expect(await codeOf(removeSource(o.viewer, o.sourceId, { guard: runner }))).toBe("FORBIDDEN");
    expect(await codeOf(removeSource(o.owner, randomUUID(), { guard: runner }))).toBe("NOT_FOUND");
    expect(await codeOf(removeSource(o.owner, "not-a-uuid", { guard: runner }))).toBe("NOT_FOUND");
    const request = await removeSource(o.admin, o.sourceId, { guard: runner });
    expect(request).toMatchObject({ kind: "source.remove", label: "Remove a source", status: "pending", params: { sourceId: o.sourceId } });
    expect(request.summary).toBe(`Remove the source "rm-ask.example" (Google Workspace): no more backups, its credentials deleted; its backups stay restorable until their retention dates`);
    expect((await listAuditEvents(o.owner, { action: "guarded_request.created" })).items[0]).toMatchObject({ targetId: request.id, metadata: { kind: "source.remove" } });
    // Asking twice is refused while the first waits.
    expect(await codeOf(removeSource(o.owner, o.sourceId, { guard: runner }))).toBe("CONFLICT");
    // The requester cannot approve it; approved, it still waits for its delay.
    expect(await codeOf(approveGuardedRequest(o.admin, request.id, { code: o.adminCode() }, runner))).toBe("FORBIDDEN");
    expect(await getSource(o.owner, o.sourceId)).toMatchObject({ status: "connected", removedAt: null });
    expect(await sourceRemovedByRequest(t.app.db, o.tenantId, request.id)).toBeNull();
    await cancelGuardedRequest(o.owner, request.id, { reason: "changed our mind" }, runner);
    expect((await getSource(o.owner, o.sourceId)).status).toBe("connected");
  });

  it("once approved and due, the guard removes it: no credentials, no schedule, removedAt set; the request names the source", async () => {
    const o = await newOrg("rm-run");
    const before = Date.now();
    const request = await removeThroughGuard(o);
    const detail = await getSource(o.owner, o.sourceId, { scheduleTimes: () => [{ hour: 1, minute: 0 }] });
    expect(detail).toMatchObject({ status: "removed", nextRunAt: null, schedule: { paused: true } });
    expect(Date.parse(detail.removedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect((await listSources(o.viewer)).find((s) => s.id === o.sourceId)?.removedAt).toBe(detail.removedAt);
    const [row] = await t.owner.db.select().from(sources).where(sql`${sources.id} = ${o.sourceId}`);
    expect(row).toMatchObject({ status: "removed", credentialsEnc: null, schedulePaused: true, consentStateHash: null });
    expect(await sourceRemovedByRequest(t.app.db, o.tenantId, request.id)).toBe(o.sourceId);
    expect((await listAuditEvents(o.owner, { action: "guarded_request.executed" })).items.map((e) => e.targetId)).toContain(request.id);
    // Another tenant's request id reads as nothing.
    const other = await newOrg("rm-other");
    expect(await sourceRemovedByRequest(t.app.db, other.tenantId, request.id)).toBeNull();
  });

  it("every verb that would act on the removed source answers 409 naming the removal; its backups stay browsable and exportable", async () => {
    const o = await newOrg("rm-verbs");
    await removeThroughGuard(o);
    const removedOn = new RegExp(`was removed on ${new Date().toISOString().slice(0, 10)}`);
    const refusals: [string, () => Promise<unknown>][] = [
      ["remove again", () => removeSource(o.owner, o.sourceId, { guard: runner })],
      ["settings", () => updateSource(o.owner, o.sourceId, { displayName: "renamed" }, { jobs: undefined })],
      ["on-demand backup", () => requestBackup(o.owner, o.sourceId, {}, noJobs)],
      ["reconnect", () => requestSourceConsent(o.owner, o.sourceId, { publicUrl: "https://console.example.test" })],
      ["exclude a unit", () => setUnitProtection(o.owner, o.unitId, "excluded", { guard: runner })],
      ["include a unit", () => setUnitProtection(o.owner, o.unitId, "included", { guard: runner })],
      ["discovery", () => syncDiscoveredUnits(o.worker, { sourceId: o.sourceId, units: [] })],
      ["credentials", () => loadSourceConnection(o.worker, o.sourceId)],
      ["backup run", () => startRun(o.worker, { sourceId: o.sourceId, workflowId: `backup-source:${o.sourceId}:late`, trigger: "scheduled" })],
      ["restore into its account", () => requestRestore(o.owner, { unitId: o.unitId, asOf: new Date().toISOString(), conflict: "copy" })],
    ];
    for (const [what, call] of refusals) {
      const err = await call().then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(err, what).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(removedOn) as unknown });
    }
    expect((await getSource(o.owner, o.sourceId)).displayName).toBe("rm-verbs.example");
    // Its backups: listed, browsable, exportable.
    expect((await listSnapshots(o.owner, { unitId: o.unitId })).items.map((s) => s.id)).toEqual([o.snapshotId]);
    expect(await codeOf(browse(o.owner, { unitId: o.unitId }))).toBe("resolved");
    expect((await requestExport(o.owner, { unitId: o.unitId, asOf: new Date().toISOString(), format: "zip" })).unitId).toBe(o.unitId);
  });

  it("the overview shows it as removed, never late, with its units out of scope", async () => {
    const o = await newOrg("rm-dash");
    await removeThroughGuard(o);
    // Days later, a connected source would be "stopped"; a removed one is only removed.
    const later = await getDashboard(o.owner, { now: new Date(Date.now() + 5 * 86_400_000) });
    const s = later.sources.find((x) => x.id === o.sourceId);
    expect(s).toMatchObject({ status: "removed", state: "removed", units: { total: 0, failing: 0 }, rpoAgeSeconds: null });
    expect(s?.reasons.map((r) => r.code)).toEqual(["source_removed"]);
    expect(s?.removedAt).not.toBeNull();
    expect(later.warnings.filter((w) => w.sourceId === o.sourceId)).toEqual([]);
    expect(later.totals.sources.attention).toBe(0);
    expect(later.units.filter((u) => u.sourceId === o.sourceId)).toEqual([]);
  });

  it("raises no dead-man alert, and the alert it had open is resolved with the reason", async () => {
    const o = await newOrg("rm-alert");
    const later = new Date(Date.now() + 5 * 86_400_000);
    expect(await checkProtection(o.worker, { now: later })).toEqual({ opened: 1, resolved: 0, open: 1 });
    await removeThroughGuard(o);
    expect(await checkProtection(o.worker, { now: later })).toEqual({ opened: 0, resolved: 1, open: 0 });
    expect((await listAuditEvents(o.owner, { action: "alert.resolved" })).items[0]).toMatchObject({ targetId: o.sourceId, metadata: { reason: "source_removed" } });
    expect(await checkProtection(o.worker, { now: new Date(later.getTime() + 30 * 86_400_000) })).toEqual({ opened: 0, resolved: 0, open: 0 });
  });

  it("cannot be done, undone or re-dated by the application role's own SQL", async () => {
    const o = await newOrg("rm-sql");
    expect(await asApp(o, sql`update sources set status = 'removed' where id = ${o.sourceId}`)).toMatch(/removing a source needs an approved guarded request/);
    expect(await asApp(o, sql`update sources set removed_at = now() where id = ${o.sourceId}`)).toMatch(/only the guard records when a source was removed/);
    expect(await asApp(o, sql`insert into sources (tenant_id, provider, display_name, status) values (${o.tenantId}, 'google', 'sneaky', 'removed')`)).toMatch(/only the guard removes a source/);
    expect((await getSource(o.owner, o.sourceId)).status).toBe("connected");
    await removeThroughGuard(o);
    expect(await asApp(o, sql`update sources set status = 'connected' where id = ${o.sourceId}`)).toMatch(/a removed source stays removed/);
    expect(await asApp(o, sql`update sources set schedule_paused = false where id = ${o.sourceId}`)).toMatch(/a removed source stays removed/);
    expect(await asApp(o, sql`update sources set credentials_enc = 'v1.abc.def' where id = ${o.sourceId}`)).toMatch(/a removed source stays removed/);
    expect(await asApp(o, sql`update sources set removed_at = null where id = ${o.sourceId}`)).toMatch(/only the guard records when a source was removed/);
    expect(await asApp(o, sql`update sources set removed_at = now() - interval '1 year' where id = ${o.sourceId}`)).toMatch(/only the guard records/);
    // Renaming is not reviving: the trigger lets it through (the services refuse it, see above).
    expect(await asApp(o, sql`update sources set display_name = 'still removed' where id = ${o.sourceId}`)).toBe("accepted");
    expect(await getSource(o.owner, o.sourceId)).toMatchObject({ status: "removed", schedule: { paused: true } });
  });
});
