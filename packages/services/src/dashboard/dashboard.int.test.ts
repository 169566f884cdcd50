import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commitSnapshot,
  finishRun,
  getDashboard,
  getDashboardHistory,
  openSnapshot,
  recordRunIssues,
  recordVersions,
  registerSource,
  setUnitProtection,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type RecordVersionInput,
  type RunIssueInput,
  type TenantContext,
} from "../index";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;

async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const viewer: TenantContext = { ...owner, role: "viewer" };
  return { owner, viewer, worker: systemContext(t.worker.db, organization.id, "worker-test"), tenantId: organization.id };
}

const NOW = new Date("2026-03-10T12:00:00Z");
const at = (s: string) => new Date(`2026-03-${s}Z`);
const HALF_HOUR = 30 * 60_000;
const file = (externalId: string, size: number, version = "1"): RecordVersionInput => ({ externalId, kind: "file", version, path: `/${externalId}`, name: externalId, size });

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/** One run of `sourceId` starting at `start` and ending half an hour later, snapshotting each unit given. */
async function backup(
  tenant: Tenant,
  sourceId: string,
  key: string,
  start: Date,
  units: { unitId: string; versions: RecordVersionInput[] }[],
  opts: { issues?: RunIssueInput[]; outcome?: "finished" | "failed"; errorSummary?: string } = {},
) {
  const end = new Date(start.getTime() + HALF_HOUR);
  const run = await startRun(tenant.worker, { sourceId, trigger: "scheduled", workflowId: `backup:${sourceId}:${key}` }, start);
  for (const u of units) {
    const snap = await openSnapshot(tenant.worker, { unitId: u.unitId, runId: run.id }, start);
    if (u.versions.length > 0) await recordVersions(tenant.worker, snap.id, u.versions, start);
    await commitSnapshot(tenant.worker, snap.id, { vaultSnapshotId: `vs-${key}-${u.unitId}` }, end);
  }
  if (opts.issues) await recordRunIssues(tenant.worker, run.id, opts.issues, start);
  return finishRun(tenant.worker, run.id, { outcome: opts.outcome ?? "finished", ...(opts.errorSummary ? { errorSummary: opts.errorSummary } : {}) }, end);
}

let A: Tenant;
let B: Tenant;
const ids: Record<string, string> = {};

/*
 * Tenant A, seen at NOW = 2026-03-10 12:00 UTC:
 * - "healthy.example" (google): u1 drive, u2 mailbox, u3 excluded, u4 never backed up. Runs on
 *   03-05 10:00 (u1 150 B / 2 items, u2 10 B / 1), 03-08 10:00 (u1's file grows to 120 B), 03-10
 *   09:00 (nothing new, three issues), and one still running since 11:30.
 * - "contoso" (microsoft): backed up 03-09 20:00 (1000 B), then consent revoked.
 * - "stalled.example" (google): backed up 03-07 00:00 (5 B), then a failed run on 03-09 03:00.
 * - "waiting.example": consent pending.
 */
beforeAll(async () => {
  t = await createTestDatabase("dashboard");
  A = await newTenant("dash-a");
  B = await newTenant("dash-b");
  const healthy = await registerSource(A.owner, { provider: "google", displayName: "healthy.example", credentials: { k: "x" } });
  const revoked = await registerSource(A.owner, { provider: "microsoft", displayName: "contoso", credentials: { k: "x" } });
  const stalled = await registerSource(A.owner, { provider: "google", displayName: "stalled.example", credentials: { k: "x" } });
  const waiting = await registerSource(A.owner, { provider: "google", displayName: "waiting.example", credentials: { k: "x" } });
  Object.assign(ids, { healthy: healthy.id, revoked: revoked.id, stalled: stalled.id, waiting: waiting.id });
  await t.owner.pool.query("update sources set connected_at = $1 where tenant_id = $2", [at("01T00:00:00"), A.tenantId]);

  const discovered = [
    { kind: "drive" as const, externalId: "u1", displayName: "u1 drive" },
    { kind: "gmail" as const, externalId: "u2", displayName: "u2 mailbox" },
    { kind: "drive" as const, externalId: "u3", displayName: "u3 excluded" },
  ];
  const h = await syncDiscoveredUnits(A.worker, { sourceId: healthy.id, units: discovered });
  const unitOf = (externalId: string) => h.added.find((u) => u.externalId === externalId)!.id;
  const [u1, u2, u3] = [unitOf("u1"), unitOf("u2"), unitOf("u3")];
  await setUnitProtection(A.owner, u3, "excluded");
  await backup(A, healthy.id, "h1", at("05T10:00:00"), [
    { unitId: u1, versions: [file("a", 100), file("b", 50)] },
    { unitId: u2, versions: [{ externalId: "m", kind: "message", version: "1", path: "/m", name: "m", size: 10 }] },
  ]);
  await backup(A, healthy.id, "h2", at("08T10:00:00"), [
    { unitId: u1, versions: [file("a", 120, "2")] },
    { unitId: u2, versions: [] },
  ]);
  await backup(A, healthy.id, "h3", at("10T09:00:00"), [{ unitId: u1, versions: [] }, { unitId: u2, versions: [] }], {
    issues: [
      { unitId: u1, reason: "rate_limited", message: "429 from Drive" },
      { unitId: u1, reason: "rate_limited", message: "429 from Drive" },
      { unitId: u2, reason: "not_found", message: "message deleted" },
    ],
  });
  const later = await syncDiscoveredUnits(A.worker, { sourceId: healthy.id, units: [...discovered, { kind: "gmail", externalId: "u4", displayName: "u4 new mailbox" }] });
  ids.u4 = later.added[0]!.id;
  await startRun(A.worker, { sourceId: healthy.id, trigger: "on_demand", workflowId: `backup:${healthy.id}:now` }, at("10T11:30:00"));

  const r = await syncDiscoveredUnits(A.worker, { sourceId: revoked.id, units: [{ kind: "exchange", externalId: "r1", displayName: "r1 mailbox" }] });
  ids.r1 = r.added[0]!.id;
  await backup(A, revoked.id, "r1", at("09T20:00:00"), [{ unitId: ids.r1, versions: [file("big", 1000)] }]);
  await t.owner.pool.query("update sources set status = 'revoked' where id = $1", [revoked.id]);

  const s = await syncDiscoveredUnits(A.worker, { sourceId: stalled.id, units: [{ kind: "drive", externalId: "s1", displayName: "s1 drive" }] });
  ids.s1 = s.added[0]!.id;
  await backup(A, stalled.id, "s1", at("07T00:00:00"), [{ unitId: ids.s1, versions: [file("tiny", 5)] }]);
  await backup(A, stalled.id, "s2", at("09T03:00:00"), [], { outcome: "failed", errorSummary: "invalid_grant: the token was revoked" });

  await t.owner.pool.query("update sources set status = 'pending_consent' where id = $1", [waiting.id]);

  const other = await registerSource(B.owner, { provider: "google", displayName: "other.example", credentials: { k: "x" } });
  const o = await syncDiscoveredUnits(B.worker, { sourceId: other.id, units: [{ kind: "drive", externalId: "o1", displayName: "o1" }] });
  await backup(B, other.id, "o1", at("09T10:00:00"), [{ unitId: o.added[0]!.id, versions: [file("secret", 7777)] }]);
});

afterAll(async () => {
  await t?.drop();
});

describe("getDashboard", () => {
  it("classifies every source, with reasons and what to do", async () => {
    const d = await getDashboard(A.viewer, { now: NOW, scheduleTimes: () => [{ hour: 13, minute: 0 }] });
    const by = Object.fromEntries(d.sources.map((s) => [s.name, s]));
    expect(d.sources.map((s) => [s.name, s.state])).toEqual([
      ["healthy.example", "warning"],
      ["contoso", "revoked"],
      ["stalled.example", "stopped"],
      ["waiting.example", "pending"],
    ]);
    expect(by["contoso"]!.reasons.map((r) => r.code)).toEqual(["consent_revoked"]);
    expect(by["contoso"]!.reasons[0]!.message).toContain("Microsoft Entra");
    expect(by["stalled.example"]!.reasons.map((r) => r.code)).toEqual(["backups_stopped", "last_run_failed", "units_failing"]);
    expect(by["stalled.example"]!.reasons[1]!.message).toBe("The last backup failed: invalid_grant: the token was revoked");
    const issues = by["healthy.example"]!.reasons.find((r) => r.code === "run_issues");
    expect(issues?.message).toBe("The last backup could not capture 3 items.");
    expect(issues?.issues).toEqual([
      { reason: "rate_limited", count: 2 },
      { reason: "not_found", count: 1 },
    ]);
    expect(by["healthy.example"]!.reasons.map((r) => r.code)).toEqual(["run_issues", "units_never_backed_up"]);
    expect(by["waiting.example"]!.reasons.map((r) => r.code)).toEqual(["consent_pending"]);
  });

  it("reports runs, recovery-point age, units and what each source holds", async () => {
    const d = await getDashboard(A.viewer, { now: NOW, scheduleTimes: () => [{ hour: 13, minute: 0 }] });
    const by = Object.fromEntries(d.sources.map((s) => [s.name, s]));
    const h = by["healthy.example"]!;
    expect(h.running).toBe(true);
    expect(h.lastRun?.status).toBe("running");
    expect(h.lastSuccessAt).toBe("2026-03-10T09:30:00.000Z");
    expect(h.nextRunAt).toBe("2026-03-10T13:00:00.000Z");
    expect(h.rpoAgeSeconds).toBe(2.5 * 3600);
    expect(h.units).toEqual({ total: 3, protected: 2, failing: 0, pending: 1 });
    expect([h.items, h.bytes]).toEqual([3, 180]);

    expect(by["contoso"]).toMatchObject({ nextRunAt: null, running: false, items: 1, bytes: 1000, rpoAgeSeconds: 15.5 * 3600, units: { total: 1, protected: 1, failing: 0, pending: 0 } });
    expect(by["stalled.example"]).toMatchObject({
      lastRun: { status: "failed", errorSummary: "invalid_grant: the token was revoked" },
      lastSuccessAt: "2026-03-07T00:30:00.000Z",
      rpoAgeSeconds: 83.5 * 3600,
      units: { total: 1, protected: 0, failing: 1, pending: 0 },
    });
    expect(by["waiting.example"]).toMatchObject({ lastRun: null, lastSuccessAt: null, rpoAgeSeconds: null, items: 0, bytes: 0 });

    expect(d.totals).toEqual({
      sources: { total: 4, protected: 0, attention: 3 },
      units: { total: 5, protected: 3, failing: 1, pending: 1 },
      items: 5,
      bytes: 1185,
      oldestRecoveryPointAt: "2026-03-07T00:30:00.000Z",
      rpoAgeSeconds: 83.5 * 3600,
      running: 1,
    });
  });

  it("lists the worst units first and says when it cut the list", async () => {
    const d = await getDashboard(A.viewer, { now: NOW, unitLimit: 3 });
    expect(d.unitsTruncated).toBe(true);
    expect(d.units.map((u) => [u.name, u.state])).toEqual([
      ["s1 drive", "failing"],
      ["u4 new mailbox", "pending"],
      ["r1 mailbox", "protected"],
    ]);
    expect(d.units[0]).toMatchObject({ id: ids.s1, lastBackupAt: "2026-03-07T00:30:00.000Z", items: 1, bytes: 5, lastAttempt: "committed" });
    const all = await getDashboard(A.viewer, { now: NOW });
    expect(all.unitsTruncated).toBe(false);
    expect(all.units.map((u) => u.name)).not.toContain("u3 excluded");
  });

  it("gathers the warnings worst first, leaving out what needs nobody", async () => {
    const d = await getDashboard(A.viewer, { now: NOW });
    expect(d.warnings.map((w) => [w.sourceName, w.code])).toEqual([
      ["contoso", "consent_revoked"],
      ["stalled.example", "backups_stopped"],
      ["stalled.example", "last_run_failed"],
      ["stalled.example", "units_failing"],
      ["healthy.example", "run_issues"],
      ["waiting.example", "consent_pending"],
    ]);
  });

  it("sees only its own tenant, and an empty organisation gets an empty overview", async () => {
    const d = await getDashboard(B.viewer, { now: NOW });
    expect(d.sources.map((s) => s.name)).toEqual(["other.example"]);
    expect(d.totals.bytes).toBe(7777);
    const empty = await newTenant("dash-empty");
    expect(await getDashboard(empty.viewer, { now: NOW })).toMatchObject({ sources: [], units: [], warnings: [], totals: { sources: { total: 0 }, bytes: 0, rpoAgeSeconds: null } });
  });
});

describe("getDashboardHistory", () => {
  it("gives protected data and vault storage at the end of each UTC day", async () => {
    const h = await getDashboardHistory(A.viewer, { days: 5 }, { now: NOW });
    expect(h.days.map((d) => [d.day, d.protectedBytes, d.protectedItems, d.vaultBytes, d.vaultBytesAdded])).toEqual([
      ["2026-03-06", 160, 3, 160, 0],
      ["2026-03-07", 165, 4, 165, 5],
      ["2026-03-08", 185, 4, 285, 120],
      ["2026-03-09", 1185, 5, 1285, 1000],
      ["2026-03-10", 1185, 5, 1285, 0],
    ]);
  });

  it("buckets days in the viewer's time zone", async () => {
    // 2026-03-09 20:30 UTC is 2026-03-10 05:30 in Tokyo.
    const h = await getDashboardHistory(A.viewer, { days: 2, timeZone: "Asia/Tokyo" }, { now: NOW });
    expect(h.timeZone).toBe("Asia/Tokyo");
    expect(h.days.map((d) => [d.day, d.protectedBytes, d.vaultBytes])).toEqual([
      ["2026-03-09", 185, 285],
      ["2026-03-10", 1185, 1285],
    ]);
  });

  it("lists finished runs in the window with their durations, oldest first", async () => {
    const h = await getDashboardHistory(A.viewer, { days: 5 }, { now: NOW });
    expect(h.runs.map((r) => [r.sourceId, r.startedAt, r.status, r.durationSeconds])).toEqual([
      [ids.stalled, "2026-03-07T00:00:00.000Z", "completed", 1800],
      [ids.healthy, "2026-03-08T10:00:00.000Z", "completed", 1800],
      [ids.stalled, "2026-03-09T03:00:00.000Z", "failed", 1800],
      [ids.revoked, "2026-03-09T20:00:00.000Z", "completed", 1800],
      [ids.healthy, "2026-03-10T09:00:00.000Z", "completed_with_warnings", 1800],
    ]);
    expect(h.runsTruncated).toBe(false);
    const cut = await getDashboardHistory(A.viewer, { days: 5 }, { now: NOW, runLimit: 2 });
    expect(cut.runsTruncated).toBe(true);
    expect(cut.runs.map((r) => r.startedAt)).toEqual(["2026-03-09T20:00:00.000Z", "2026-03-10T09:00:00.000Z"]);
  });

  it("does not count another tenant's data and refuses a bad time zone", async () => {
    const h = await getDashboardHistory(B.viewer, { days: 2 }, { now: NOW });
    expect(h.days.map((d) => d.protectedBytes)).toEqual([7777, 7777]);
    await expect(getDashboardHistory(A.viewer, { days: 2, timeZone: "Mars/Olympus" }, { now: NOW })).rejects.toThrow(/IANA/);
  });
});
