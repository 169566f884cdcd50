// The console's catalogue router on a real Postgres and the real Temporal job runner (a dev
// server, no worker): the same verbs as /api/v1, reached through tenantProcedure.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { commitSnapshot, finishRun, listUnits, markDeleted, openSnapshot, recordVersions, registerSource, signUp, startRun, syncDiscoveredUnits, systemContext, type TenantContext } from "@holdfast/services";
import { restoreWorkflowId } from "@holdfast/workflows/contracts";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsPort } from "../jobs/port";
import { createTemporalJobs } from "../jobs/temporal";
import { createTrpcContext } from "./context";
import { createCaller } from "./router";

process.env.LOG_LEVEL ??= "silent";
process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
const taskQueue = `trpc-catalogue-${randomBytes(4).toString("hex")}`;

async function member(label: string) {
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { userId, orgId: organization.id, owner, caller: createCaller(createTrpcContext({ db: t.app.db, userId, jobs })), noJobs: createCaller(createTrpcContext({ db: t.app.db, userId })) };
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return (err as TRPCError).code;
}

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("trpc-catalogue"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

describe("catalogue router", () => {
  it("jobs, snapshots, browse/search, versions, on-demand backups and restores for a member; NOT_FOUND for anyone else", async () => {
    const alice = await member("alice");
    const mallory = await member("mallory");
    const source = await registerSource(alice.owner, { provider: "google", displayName: "alice.example", credentials: { refreshToken: "unused" } });
    const worker = systemContext(t.worker.db, alice.orgId, "test-worker");
    await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d1", displayName: "Drive" }] });
    const [unit] = await listUnits(alice.owner, source.id);
    const unitId = unit?.id ?? "";
    const at = new Date("2026-02-01T10:00:00Z");
    const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: "backup-source:x:1" }, at);
    const snap = await openSnapshot(worker, { unitId, runId: run.id }, at);
    await recordVersions(worker, snap.id, [{ externalId: "f", kind: "file", version: "1", path: "/plan.txt", name: "plan.txt", size: 9, contentSha256: "e".repeat(64), vault: { snapshotId: "vs", path: "f" } }], at);
    await commitSnapshot(worker, snap.id, { vaultSnapshotId: "vs" }, at);
    await finishRun(worker, run.id, { outcome: "finished" }, at);
    const orgId = alice.orgId;

    expect(await alice.caller.catalogue.jobs.get({ orgId, id: run.id })).toMatchObject({ kind: "backup", status: "completed", progress: { itemsDone: 1, bytesDone: 9 } });
    expect((await alice.caller.catalogue.jobs.list({ orgId })).items.map((j) => j.id)).toEqual([run.id]);
    expect((await alice.caller.catalogue.snapshots({ orgId, unitId })).items.map((s) => s.vaultSnapshotId)).toEqual(["vs"]);
    const browsed = await alice.caller.catalogue.items.find({ orgId, unitId });
    expect(browsed).toMatchObject({ mode: "browse", path: "/" });
    expect(browsed.items.map((i) => i.name)).toEqual(["plan.txt"]);
    const found = await alice.caller.catalogue.items.find({ orgId, sourceId: source.id, q: "plan" });
    expect(found.items.map((i) => i.name)).toEqual(["plan.txt"]);
    const itemId = found.items[0]?.itemId ?? "";
    expect((await alice.caller.catalogue.items.versions({ orgId, id: itemId })).map((v) => v.version)).toEqual(["1"]);

    const backup = await alice.caller.catalogue.requestBackup({ orgId, sourceId: source.id, unitIds: [unitId] });
    expect(await alice.caller.catalogue.jobs.get({ orgId, id: backup.jobId })).toMatchObject({ kind: "backup", status: "running", unitId });
    expect(await code(alice.noJobs.catalogue.requestBackup({ orgId, sourceId: source.id }))).toBe("SERVICE_UNAVAILABLE");

    const restore = await alice.caller.catalogue.restores.request({ orgId, unitId, items: [itemId], asOf: new Date().toISOString(), conflict: "copy" });
    const started = await env.client.workflow.getHandle(restoreWorkflowId(restore.jobId)).describe();
    expect(started.type).toBe("restore");
    expect(await alice.caller.catalogue.restores.get({ orgId, id: restore.jobId })).toMatchObject({ status: "queued", conflict: "copy", unitId, targetUnitId: unitId });
    expect(await alice.caller.catalogue.restores.items({ orgId, id: restore.jobId })).toEqual({ items: [], nextCursor: null });

    // Not a member: every procedure is NOT_FOUND, whatever the ids.
    expect(await code(mallory.caller.catalogue.jobs.get({ orgId, id: run.id }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.jobs.get({ orgId: mallory.orgId, id: run.id }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.items.versions({ orgId: mallory.orgId, id: itemId }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.restores.get({ orgId: mallory.orgId, id: restore.jobId }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.requestBackup({ orgId: mallory.orgId, sourceId: source.id }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.items.find({ orgId: mallory.orgId, unitId }))).toBe("NOT_FOUND");
  });

  it("search filters every version by text, sender, item date, folder, kind, unit and deletion; unit lookup; NOT_FOUND across tenants", async () => {
    const alice = await member("alice");
    const mallory = await member("mallory");
    const orgId = alice.orgId;
    const source = await registerSource(alice.owner, { provider: "google", displayName: "alice.example", credentials: { refreshToken: "unused" } });
    const worker = systemContext(t.worker.db, orgId, "test-worker");
    await syncDiscoveredUnits(worker, {
      sourceId: source.id,
      units: [
        { kind: "gmail", externalId: "alice", displayName: "alice@alice.example", owner: { externalId: "alice", email: "alice@alice.example", state: "active" } },
        { kind: "gmail", externalId: "bob", displayName: "bob@alice.example" },
      ],
    });
    const units = await listUnits(alice.owner, source.id);
    const aliceBox = units.find((u) => u.externalId === "alice")?.id ?? "";
    const bobBox = units.find((u) => u.externalId === "bob")?.id ?? "";
    const mail = (id: string, folder: string, subject: string, from: string, date: string) => ({
      externalId: id,
      kind: "message" as const,
      version: "1",
      path: `/${folder}/${subject}`,
      name: subject,
      size: 100,
      contentSha256: "a".repeat(64),
      vault: { snapshotId: "vs1", path: id },
      metadata: { subject, from, to: "alice@alice.example" },
      modifiedAt: date,
    });
    const t1 = new Date("2026-11-01T08:00:00Z");
    const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: "backup-source:search:1" }, t1);
    const snapA = await openSnapshot(worker, { unitId: aliceBox, runId: run.id }, t1);
    await recordVersions(
      worker,
      snapA.id,
      [
        mail("m1", "Inbox", "Invoice March 2026", "Bob Builder <bob@supplier.test>", "2026-03-02T09:00:00Z"),
        mail("m2", "Inbox", "Invoice April 2026", "carol@other.test", "2026-04-02T09:00:00Z"),
        mail("m3", "Projects/Atlas", "Atlas invoice draft", "bob@supplier.test", "2026-04-20T09:00:00Z"),
        { externalId: "e1", kind: "event", version: "1", path: "/2026-05/2026-05-01 Invoice review", name: "Invoice review", metadata: { summary: "Invoice review", organizer: "dave@alice.example" }, modifiedAt: "2026-04-25T09:00:00Z" },
      ],
      t1,
    );
    await commitSnapshot(worker, snapA.id, { vaultSnapshotId: "vs1" }, t1);
    const snapB = await openSnapshot(worker, { unitId: bobBox, runId: run.id }, t1);
    await recordVersions(worker, snapB.id, [mail("b1", "Inbox", "Invoice for Bob", "bob@supplier.test", "2026-03-05T09:00:00Z")], t1);
    await commitSnapshot(worker, snapB.id, { vaultSnapshotId: "vs1b" }, t1);
    await finishRun(worker, run.id, { outcome: "finished" }, t1);
    // A later backup sees m2 deleted at the source.
    const t2 = new Date("2026-11-02T08:00:00Z");
    const run2 = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: "backup-source:search:2" }, t2);
    const snapA2 = await openSnapshot(worker, { unitId: aliceBox, runId: run2.id }, t2);
    await markDeleted(worker, snapA2.id, ["m2"], t2);
    await commitSnapshot(worker, snapA2.id, { vaultSnapshotId: "vs2" }, t2);
    await finishRun(worker, run2.id, { outcome: "finished" }, t2);

    const names = async (input: Omit<Parameters<typeof alice.caller.catalogue.search>[0], "orgId">) => (await alice.caller.catalogue.search({ orgId, ...input })).items.map((v) => v.name).sort();

    // Text: every word, the last as a prefix; without a unit, the whole organisation.
    expect(await names({ text: "invoice" })).toEqual(["Atlas invoice draft", "Invoice April 2026", "Invoice March 2026", "Invoice for Bob", "Invoice review"]);
    expect(await names({ text: "invoice mar" })).toEqual(["Invoice March 2026"]);
    expect(await names({ text: "invoice", unitIds: [bobBox] })).toEqual(["Invoice for Bob"]);
    // Sender: a full address exactly (display name stripped), or its beginning; organisers count.
    expect(await names({ sender: "bob@supplier.test", unitIds: [aliceBox] })).toEqual(["Atlas invoice draft", "Invoice March 2026"]);
    expect(await names({ sender: "BOB@" })).toEqual(["Atlas invoice draft", "Invoice March 2026", "Invoice for Bob"]);
    expect(await names({ sender: "dave" })).toEqual(["Invoice review"]);
    // Item date: inclusive from, exclusive to.
    expect(await names({ text: "invoice", from: new Date("2026-04-01T00:00:00Z"), to: new Date("2026-04-20T09:00:00Z") })).toEqual(["Invoice April 2026"]);
    expect(await names({ text: "invoice", from: new Date("2026-04-01T00:00:00Z") })).toEqual(["Atlas invoice draft", "Invoice April 2026", "Invoice review"]);
    // Folder (recursive) and kind.
    expect(await names({ folder: "/Projects" })).toEqual(["Atlas invoice draft"]);
    expect(await names({ text: "invoice", kinds: ["event"] })).toEqual(["Invoice review"]);
    // Deleted only: the version each deleted item had last, marked with when it was deleted.
    const deleted = await alice.caller.catalogue.search({ orgId, deletedOnly: true });
    expect(deleted.items.map((v) => [v.name, v.itemDeletedAt, v.supersededAt])).toEqual([["Invoice April 2026", t2.toISOString(), t2.toISOString()]]);
    // Paging keeps going where the last page stopped.
    const page1 = await alice.caller.catalogue.search({ orgId, text: "invoice", limit: 2 });
    const page2 = await alice.caller.catalogue.search({ orgId, text: "invoice", limit: 2, cursor: page1.nextCursor ?? "" });
    const page3 = await alice.caller.catalogue.search({ orgId, text: "invoice", limit: 2, cursor: page2.nextCursor ?? "" });
    expect([...page1.items, ...page2.items, ...page3.items].map((v) => v.name).sort()).toEqual(await names({ text: "invoice" }));
    expect(page3.nextCursor).toBeNull();
    // Nothing to search for is a validation error, not the whole catalogue.
    expect(await code(alice.caller.catalogue.search({ orgId }))).toBe("BAD_REQUEST");

    // The unit, with its source and last backup.
    expect(await alice.caller.catalogue.unit({ orgId, id: aliceBox })).toMatchObject({
      id: aliceBox,
      kind: "gmail",
      displayName: "alice@alice.example",
      ownerEmail: "alice@alice.example",
      source: { id: source.id, displayName: "alice.example", provider: "google_workspace" },
      lastBackupAt: t2.toISOString(),
    });
    expect(await code(alice.caller.catalogue.unit({ orgId, id: "not-a-uuid" }))).toBe("NOT_FOUND");

    // Another tenant: not a member of alice's organisation, and alice's units are not in its own.
    expect(await code(mallory.caller.catalogue.search({ orgId, text: "invoice" }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.search({ orgId: mallory.orgId, text: "invoice", unitIds: [aliceBox] }))).toBe("NOT_FOUND");
    expect((await mallory.caller.catalogue.search({ orgId: mallory.orgId, text: "invoice" })).items).toEqual([]);
    expect(await code(mallory.caller.catalogue.unit({ orgId: mallory.orgId, id: aliceBox }))).toBe("NOT_FOUND");
    expect(await code(mallory.caller.catalogue.unit({ orgId, id: aliceBox }))).toBe("NOT_FOUND");
  });
});
