// The console's catalogue router on a real Postgres and the real Temporal job runner (a dev
// server, no worker): the same verbs as /api/v1, reached through tenantProcedure.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { commitSnapshot, finishRun, listUnits, openSnapshot, recordVersions, registerSource, signUp, startRun, syncDiscoveredUnits, systemContext, type TenantContext } from "@holdfast/services";
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
    const worker = systemContext(t.app.db, alice.orgId, "test-worker");
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
});
