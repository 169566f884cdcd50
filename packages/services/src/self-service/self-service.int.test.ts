// End-user self-service against a real database (ADR 0016): a person signed in with their
// Workspace identity sees and acts on the units that directory says are theirs, and nothing else.
import { randomBytes } from "node:crypto";
import { eq, users } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browse,
  commitSnapshot,
  findItems,
  finishRun,
  getDashboard,
  getExport,
  getJob,
  getRestore,
  getSelfServiceSettings,
  getSource,
  getUnit,
  listAuditEvents,
  listExports,
  listItemVersions,
  listJobs,
  listMembers,
  listMyOrganizations,
  listOwnUnits,
  listSelfServiceGrants,
  listSnapshots,
  listSourceUnits,
  listSources,
  listUnits,
  openSnapshot,
  recordVersions,
  registerSource,
  requestBackup,
  requestExport,
  requestItemContent,
  requestRestore,
  resolveAsOf,
  resolveUserAccess,
  search,
  setSelfServiceSettings,
  getProfile,
  signInWithIdentity,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type DomainError,
  type RecordVersionInput,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;


const T1 = new Date("2026-02-01T08:00:00Z");
const sha = (c: string) => c.repeat(64);
const file = (externalId: string, name: string, vault?: string): RecordVersionInput => ({
  externalId,
  kind: "file",
  version: "r1",
  path: `/${name}`,
  name,
  size: 10,
  contentSha256: sha("a"),
  ...(vault ? { vault: { snapshotId: `vs-${vault}`, path: `files/${externalId}` } } : {}),
});

async function newTenant(label: string, domain: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const worker = systemContext(t.worker.db, organization.id, "self-service-test");
  const source = await registerSource(owner, { provider: "google", displayName: domain, credentials: { refreshToken: "1//refresh" } });
  // Consent records the Workspace domain as the source's account; here it is set directly.
  await t.owner.pool.query("update sources set external_account_id = $1, status = 'connected' where id = $2", [domain, source.id]);
  return { owner, worker, tenantId: organization.id, sourceId: source.id };
}

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/** One backup run of one unit that records `versions` and commits. */
async function backup(tn: Tenant, unitId: string, key: string, versions: RecordVersionInput[]) {
  const run = await startRun(tn.worker, { sourceId: tn.sourceId, trigger: "scheduled", workflowId: `backup:${tn.sourceId}:${key}` }, T1);
  const snap = await openSnapshot(tn.worker, { unitId, runId: run.id }, T1);
  await recordVersions(tn.worker, snap.id, versions, T1);
  await commitSnapshot(tn.worker, snap.id, { vaultSnapshotId: `vs-${key}` }, T1);
  await finishRun(tn.worker, run.id, { outcome: "finished" }, T1);
}

const DOMAIN = `acme-${randomBytes(3).toString("hex")}.example`;
let A: Tenant;
let B: Tenant;
const unit = { aliceDrive: "", aliceMail: "", bobDrive: "", otherTenant: "" };
const item = { alice: "", bob: "" };
let aliceId: string;
/** Exports Alice requested (the restores and exports tests fill it). */
const aliceExports: string[] = [];
let alice: TenantContext;

beforeAll(async () => {
  t = await createTestDatabase("selfservice");
  A = await newTenant("ss-a", DOMAIN);
  B = await newTenant("ss-b", `other-${DOMAIN}`);
  const owner = (id: string, name: string) => ({ externalId: id, email: `${name}@${DOMAIN}`, state: "active" as const });
  const { added } = await syncDiscoveredUnits(
    A.worker,
    {
      sourceId: A.sourceId,
      units: [
        { kind: "drive", externalId: "d-alice", displayName: "Alice Drive", owner: owner("u-alice", "alice") },
        { kind: "gmail", externalId: "m-alice", displayName: "Alice Mail", owner: owner("u-alice", "alice") },
        { kind: "drive", externalId: "d-bob", displayName: "Bob Drive", owner: owner("u-bob", "bob") },
      ],
    },
    T1,
  );
  const byName = new Map(added.map((u) => [u.displayName, u.id]));
  unit.aliceDrive = byName.get("Alice Drive")!;
  unit.aliceMail = byName.get("Alice Mail")!;
  unit.bobDrive = byName.get("Bob Drive")!;
  const other = await syncDiscoveredUnits(B.worker, { sourceId: B.sourceId, units: [{ kind: "drive", externalId: "d-x", displayName: "X Drive", owner: { externalId: "u-alice", email: "x@other", state: "active" } }] }, T1);
  unit.otherTenant = other.added[0]!.id;

  await backup(A, unit.aliceDrive, "alice", [file("f-alice", "alice-report.txt", "alice")]);
  await backup(A, unit.bobDrive, "bob", [file("f-bob", "bob-report.txt", "bob")]);
  await backup(B, unit.otherTenant, "x", [file("f-x", "x-report.txt", "x")]);
  const versions = async (unitId: string) => (await browse(A.owner, { unitId })).entries;
  item.alice = (await versions(unit.aliceDrive))[0]!.itemId;
  item.bob = (await versions(unit.bobDrive))[0]!.itemId;

  const signedIn = await signInWithIdentity(t.app.db, { provider: "google", directoryId: DOMAIN.toUpperCase(), subject: "u-alice", email: `alice@${DOMAIN}`, name: "Alice" });
  aliceId = signedIn.id;
  const access = await resolveUserAccess(t.app.db, aliceId, A.tenantId);
  alice = { db: t.app.db, tenantId: A.tenantId, actor: { type: "user", id: aliceId }, role: access.role, ...(access.selfService ? { selfService: access.selfService } : {}) };
});

afterAll(async () => {
  await t?.drop();
});

describe("resolving self-service", () => {
  it("gives the signed-in identity self-service over exactly its own units, and members keep their role", async () => {
    const access = await resolveUserAccess(t.app.db, aliceId, A.tenantId);
    expect(access.selfService?.unitIds.toSorted()).toEqual([unit.aliceDrive, unit.aliceMail].toSorted());
    expect(await resolveUserAccess(t.app.db, A.owner.actor.id, A.tenantId)).toEqual({ role: "owner" });
    // Organisation B protects another domain: the same subject there is somebody else.
    expect(await codeOf(resolveUserAccess(t.app.db, aliceId, B.tenantId))).toBe("NOT_FOUND");
  });

  it("gives nothing to the same subject in another directory or at another provider", async () => {
    const other = await signInWithIdentity(t.app.db, { provider: "google", directoryId: `evil-${DOMAIN}`, subject: "u-alice", email: `alice@evil-${DOMAIN}`, name: null });
    const ms = await signInWithIdentity(t.app.db, { provider: "microsoft", directoryId: DOMAIN, subject: "u-alice", email: `alice-ms@${DOMAIN}`, name: null });
    for (const u of [other, ms]) {
      expect(u.id).not.toBe(aliceId);
      expect(await listSelfServiceGrants(t.app.db, u.id)).toEqual([]);
      expect(await codeOf(resolveUserAccess(t.app.db, u.id, A.tenantId))).toBe("NOT_FOUND");
    }
  });

  it("signs the same identity in as the same person again", async () => {
    const again = await signInWithIdentity(t.app.db, { provider: "google", directoryId: DOMAIN, subject: "u-alice", email: `alice@${DOMAIN}`, name: "Alice" });
    expect(again.id).toBe(aliceId);
    // Her profile says how she signs in (the account page explains Google's own second factor).
    expect(await getProfile(t.app.db, aliceId)).toMatchObject({ email: `alice@${DOMAIN}`, mfaEnabled: false, signInWith: "google" });
  });

  it("never joins an existing password account by email", async () => {
    const email = `carol@${DOMAIN}`;
    await signUp(t.app.db, { email, password: "a long enough password", organizationName: "Carol's" });
    const err = await signInWithIdentity(t.app.db, { provider: "google", directoryId: DOMAIN, subject: "u-carol", email, name: "Carol" }).catch((e: unknown) => e as DomainError);
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect((err as Error).message).toMatch(/already exists/);
    const [carol] = await t.app.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    expect(await getProfile(t.app.db, carol?.id ?? "")).toMatchObject({ signInWith: "password" });
  });
});

describe("a self-service person's own units", () => {
  it("lists exactly their units by name, with source and last backup; members are refused", async () => {
    const own = await listOwnUnits(alice);
    expect(own.map((u) => u.id)).toEqual([unit.aliceDrive, unit.aliceMail]);
    expect(own[0]).toMatchObject({ displayName: "Alice Drive", ownerExternalId: "u-alice", source: { id: A.sourceId, provider: "google_workspace" }, lastBackupAt: T1.toISOString() });
    expect(own[1]?.lastBackupAt).toBeNull();
    // The same shape as getUnit.
    expect(await getUnit(alice, unit.aliceDrive)).toEqual(own[0]);
    expect(await codeOf(listOwnUnits(A.owner))).toBe("FORBIDDEN");
  });

  it("reads their units, and another person's or organisation's unit does not exist", async () => {
    expect((await browse(alice, { unitId: unit.aliceDrive })).entries.map((e) => e.name)).toEqual(["alice-report.txt"]);
    expect((await listItemVersions(alice, item.alice)).map((v) => v.name)).toEqual(["alice-report.txt"]);
    expect((await listSnapshots(alice, { unitId: unit.aliceDrive })).items).toHaveLength(1);
    expect((await resolveAsOf(alice, { unitId: unit.aliceDrive, asOf: new Date() })).versions.map((v) => v.itemId)).toEqual([item.alice]);
    for (const other of [unit.bobDrive, unit.otherTenant]) {
      expect(await codeOf(getUnit(alice, other))).toBe("NOT_FOUND");
      expect(await codeOf(browse(alice, { unitId: other }))).toBe("NOT_FOUND");
      expect(await codeOf(listSnapshots(alice, { unitId: other }))).toBe("NOT_FOUND");
      expect(await codeOf(search(alice, { text: "report", unitIds: [other] }))).toBe("NOT_FOUND");
      expect(await codeOf(findItems(alice, { unitId: other }))).toBe("NOT_FOUND");
      expect(await codeOf(resolveAsOf(alice, { unitId: other, asOf: new Date() }))).toBe("NOT_FOUND");
    }
    expect(await codeOf(listItemVersions(alice, item.bob))).toBe("NOT_FOUND");
    expect(await codeOf(getUnit(alice, "not-a-uuid"))).toBe("NOT_FOUND");
  });

  it("searches only their own items, however the search is asked", async () => {
    // The member sees both reports; Alice only hers.
    expect((await search(A.owner, { text: "report" })).items.map((v) => v.name).toSorted()).toEqual(["alice-report.txt", "bob-report.txt"]);
    expect((await search(alice, { text: "report" })).items.map((v) => v.itemId)).toEqual([item.alice]);
    expect((await findItems(alice, { q: "report" })).items.map((v) => v.itemId)).toEqual([item.alice]);
    expect((await findItems(alice, { q: "report", sourceId: A.sourceId })).items.map((v) => v.itemId)).toEqual([item.alice]);
    expect(await codeOf(findItems(alice, { q: "report", sourceId: B.sourceId }))).toBe("NOT_FOUND");
    // Organisation-wide snapshots: only those of her units.
    const snaps = await listSnapshots(alice, {});
    expect(snaps.items.map((s) => s.unitId)).toEqual([unit.aliceDrive]);
    expect((await listSnapshots(alice, { sourceId: A.sourceId })).items.map((s) => s.unitId)).toEqual([unit.aliceDrive]);
    expect((await listSnapshots(A.owner, {})).items).toHaveLength(2);
  });
});

describe("self-service restores, exports and jobs", () => {
  it("restores their own data to where it came from, audited as them", async () => {
    const restore = await requestRestore(alice, { unitId: unit.aliceDrive, itemIds: [item.alice], asOf: new Date() });
    expect(restore).toMatchObject({ unitId: unit.aliceDrive, targetUnitId: unit.aliceDrive, status: "queued" });
    expect(await getRestore(alice, restore.id)).toEqual(restore);
    const events = await listAuditEvents(A.owner, { action: "restore.request" });
    expect(events.items.find((e) => e.targetId === restore.id)).toMatchObject({ actorType: "user", actorId: aliceId });
  });

  it("refuses another user's account as the target, and another person's unit or items", async () => {
    const target = await requestRestore(alice, { unitId: unit.aliceDrive, targetUnitId: unit.bobDrive, asOf: new Date() }).catch((e: unknown) => e as DomainError);
    expect(target).toMatchObject({ code: "FORBIDDEN" });
    expect((target as Error).message).toMatch(/original location/);
    expect(await codeOf(requestRestore(alice, { unitId: unit.bobDrive, asOf: new Date() }))).toBe("NOT_FOUND");
    expect(await codeOf(requestRestore(alice, { unitId: unit.aliceDrive, itemIds: [item.bob], asOf: new Date() }))).toBe("NOT_FOUND");
    expect(await codeOf(requestRestore(alice, { unitId: unit.otherTenant, asOf: new Date() }))).toBe("NOT_FOUND");
  });

  it("exports their own data only", async () => {
    const mine = await requestExport(alice, { unitId: unit.aliceDrive, asOf: new Date().toISOString(), format: "zip" });
    expect(await getExport(alice, mine.id)).toMatchObject({ id: mine.id, unitId: unit.aliceDrive });
    expect(await codeOf(requestExport(alice, { unitId: unit.bobDrive, asOf: new Date().toISOString(), format: "zip" }))).toBe("NOT_FOUND");
    const content = await requestItemContent(alice, { itemId: item.alice });
    expect(content.started).toBe(true);
    aliceExports.push(mine.id, content.export.id);
    const events = await listAuditEvents(A.owner, { action: "export.request" });
    expect(events.items.filter((e) => aliceExports.includes(e.targetId ?? "")).map((e) => e.actorId)).toEqual([aliceId, aliceId]);
    expect(await codeOf(requestItemContent(alice, { itemId: item.bob }))).toBe("NOT_FOUND");
  });

  it("sees only the restores and exports they requested, never backups", async () => {
    const theirs = await requestRestore(A.owner, { unitId: unit.bobDrive, asOf: new Date() });
    const adminExport = await requestExport(A.owner, { unitId: unit.aliceDrive, asOf: new Date().toISOString(), format: "zip" });
    expect(await codeOf(getRestore(alice, theirs.id))).toBe("NOT_FOUND");
    expect(await codeOf(getJob(alice, theirs.id))).toBe("NOT_FOUND");
    // Even an export of her own unit is the admin's job, not hers.
    expect(await codeOf(getExport(alice, adminExport.id))).toBe("NOT_FOUND");
    const all = await listJobs(A.owner, {});
    const backupId = all.items.find((j) => j.kind === "backup")!.id;
    expect(await codeOf(getJob(alice, backupId))).toBe("NOT_FOUND");

    const jobs = await listJobs(alice, {});
    expect(jobs.items.length).toBe(3);
    expect(jobs.items.every((j) => j.kind !== "backup" && j.unitId === unit.aliceDrive)).toBe(true);
    expect(jobs.items.map((j) => j.id)).not.toContain(theirs.id);
    expect(jobs.items.map((j) => j.id)).not.toContain(adminExport.id);
    expect((await listJobs(alice, { kind: "backup" })).items).toEqual([]);
    for (const j of jobs.items) expect((await getJob(alice, j.id)).id).toBe(j.id);
    expect((await listExports(alice)).map((e) => e.id).toSorted()).toEqual(aliceExports.toSorted());
    expect((await listExports(A.owner)).map((e) => e.id)).toContain(adminExport.id);
    expect(all.items.length).toBeGreaterThan(jobs.items.length + 2);
  });

  it("refuses every member-only verb", async () => {
    const refused = {
      dashboard: getDashboard(alice),
      members: listMembers(alice),
      sources: listSources(alice),
      source: getSource(alice, A.sourceId),
      units: listUnits(alice, A.sourceId),
      unitPage: listSourceUnits(alice, A.sourceId, {}),
      audit: listAuditEvents(alice),
      backup: requestBackup(alice, A.sourceId, {}, { jobs: undefined, workflowId: (s, k) => `${s}:${k}` }),
      settings: getSelfServiceSettings(alice),
      setSettings: setSelfServiceSettings(alice, { enabled: false }),
    };
    for (const [name, p] of Object.entries(refused)) expect([name, await codeOf(p)]).toEqual([name, "FORBIDDEN"]);
  });
});

describe("switching self-service off", () => {
  it("takes effect on the next resolution", async () => {
    await setSelfServiceSettings(A.owner, { enabled: false });
    expect(await codeOf(resolveUserAccess(t.app.db, aliceId, A.tenantId))).toBe("NOT_FOUND");
    expect(await listSelfServiceGrants(t.app.db, aliceId)).toEqual([]);
    await setSelfServiceSettings(A.owner, { enabled: true });
    expect((await resolveUserAccess(t.app.db, aliceId, A.tenantId)).selfService?.unitIds).toHaveLength(2);
  });
});

describe("a closed organisation", () => {
  it("is shown closed to the people who self-serve there, as to its members, and they keep their own data", async () => {
    const mine = async () => (await listMyOrganizations(t.app.db, aliceId)).find((o) => o.id === A.tenantId);
    expect(await mine()).toMatchObject({ selfService: true, closedAt: null });
    // Closed by the guard in production (organization.close); the test's superuser stands in for it.
    const closedAt = new Date("2026-03-01T12:00:00.000Z");
    await t.owner.pool.query("update organizations set closed_at = $1 where id = $2", [closedAt, A.tenantId]);
    expect(await mine()).toMatchObject({ selfService: true, closedAt: closedAt.toISOString() });
    expect((await listSelfServiceGrants(t.app.db, aliceId)).find((g) => g.tenantId === A.tenantId)?.closedAt).toBe(closedAt.toISOString());
    expect((await resolveUserAccess(t.app.db, aliceId, A.tenantId)).selfService?.unitIds).toHaveLength(2);
    // Its members see the same date.
    expect((await listMyOrganizations(t.app.db, A.owner.actor.id)).find((o) => o.id === A.tenantId)?.closedAt).toBe(closedAt.toISOString());
  });
});
