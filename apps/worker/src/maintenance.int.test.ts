// Run hygiene and the maintenance sweeps on the real servers: Postgres (as the worker role, under
// RLS), a Temporal dev server, and the stack's versitygw for the exports store.
// - A source's new run closes the earlier runs whose workflows are gone (Temporal is asked), and
//   only those: a running workflow's run, a run recorded moments ago and committed snapshots stay.
// - The sweeps delete expired archives (store and row) and idempotency records past 24 h, tenant by
//   tenant, and nothing else; the `maintenance` workflow runs them and the worker upserts its schedule.
import { randomBytes, randomUUID } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { and, auditEvents, backupRuns, eq, idempotencyKeys, restoreJobs, snapshots, sql } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  commitSnapshot,
  ExportsStore,
  openSnapshot,
  purgeExpiredIdempotencyKeys,
  registerSource,
  signUp,
  startRun,
  sweepExpiredExports,
  syncDiscoveredUnits,
  systemContext,
  tenantsDueForMaintenance,
  type TenantContext,
} from "@holdfast/services";
import { ABANDONED_SUMMARY, createBackupActivities, MAINTENANCE_SCHEDULE_ID } from "@holdfast/workflows/activities";
import { EMPTY_STATS, maintenanceWorkflowIds, type MaintenanceResult } from "@holdfast/workflows/contracts";
import { Client } from "@temporalio/client";
import { MockActivityEnvironment, type TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal, suiteWorkflows } from "../test/temporal";
import { createBackupStore } from "./backup-ports";
import { createMaintenancePorts, createRunBookkeeping } from "./maintenance-ports";
import { startWorker } from "./main";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let store: ExportsStore;

const HOUR = 60 * 60_000;

async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  return { owner, worker: systemContext(t.worker.db, organization.id, "worker-test"), tenantId: organization.id };
}

async function newSource(tenant: Awaited<ReturnType<typeof newTenant>>) {
  const source = await registerSource(tenant.owner, { provider: "google", displayName: "example.com", credentials: { refreshToken: "not used here" } });
  const { added } = await syncDiscoveredUnits(tenant.worker, {
    sourceId: source.id,
    units: ["a", "b"].map((x) => ({ kind: "drive" as const, externalId: x, displayName: `Drive ${x}`, owner: { externalId: x, email: `${x}@example.com`, state: "active" as const } })),
  });
  return { sourceId: source.id, units: added.map((u) => u.id) };
}

/** A workflow on a task queue no worker polls: it stays RUNNING until terminated. */
async function idleWorkflow(): Promise<string> {
  const workflowId = `idle-${randomUUID()}`;
  await env.client.workflow.start("backupSource", { taskQueue: `nobody-${randomUUID()}`, workflowId, args: [] });
  return workflowId;
}

async function run(worker: TenantContext, sourceId: string, workflowId: string, startedAgoMs: number): Promise<string> {
  const r = await startRun(worker, { sourceId, trigger: "scheduled", workflowId });
  await t.owner.db.update(backupRuns).set({ startedAt: new Date(Date.now() - startedAgoMs) }).where(eq(backupRuns.id, r.id));
  return r.id;
}

const runRow = async (id: string) => (await t.owner.db.select().from(backupRuns).where(eq(backupRuns.id, id)))[0];
const snapRow = async (id: string) => (await t.owner.db.select().from(snapshots).where(eq(snapshots.id, id)))[0];

beforeAll(async () => {
  process.env.HOLDFAST_EXPORTS_BUCKET = `hf-maint-test-${randomBytes(4).toString("hex")}`;
  [t, env] = await Promise.all([createTestDatabase("maintenance"), createTestTemporal()]);
  store = new ExportsStore();
  await store.ensureBucket();
});

afterAll(async () => {
  await store?.dropBucket().catch(() => undefined);
  store?.destroy();
  await env?.teardown();
  await t?.drop();
});

describe("runs left open by a dead workflow", () => {
  it("are closed as failed when the source's next run starts; live, recent and committed work is left alone", async () => {
    const tenant = await newTenant("hygiene");
    const { sourceId, units } = await newSource(tenant);
    const other = await newSource(tenant);
    const [u1, u2] = units as [string, string];

    // Terminated by an operator: one unit's snapshot committed, the other's left open.
    const terminatedWf = await idleWorkflow();
    const terminated = await run(tenant.worker, sourceId, terminatedWf, 2 * HOUR);
    const committed = await openSnapshot(tenant.worker, { unitId: u1, runId: terminated });
    await commitSnapshot(tenant.worker, committed.id, { vaultSnapshotId: "vault-snap-1" });
    const halfWritten = await openSnapshot(tenant.worker, { unitId: u2, runId: terminated });
    await env.client.workflow.getHandle(terminatedWf).terminate("operator: temporal workflow terminate (test)");
    // Unknown to Temporal (never started, or its history is past retention).
    const vanished = await run(tenant.worker, sourceId, `gone-${randomUUID()}`, 3 * HOUR);
    // Still running (a long first backup): untouched however old.
    const liveWf = await idleWorkflow();
    const live = await run(tenant.worker, sourceId, liveWf, 30 * HOUR);
    const liveSnap = await openSnapshot(tenant.worker, { unitId: u1, runId: live });
    // Recorded a moment ago, its workflow not started yet (an on-demand request): within the grace period.
    const fresh = await run(tenant.worker, sourceId, `starting-${randomUUID()}`, 60_000);
    // Another source's dead run is that source's next run's business.
    const elsewhere = await run(tenant.worker, other.sourceId, `gone-${randomUUID()}`, 3 * HOUR);
    const committedBefore = await snapRow(committed.id);

    const backup = createBackupActivities(
      {
        store: createBackupStore(t.worker.db, "worker-test"),
        connector: () => Promise.reject(new Error("no connector in this test")),
        vault: () => Promise.reject(new Error("no vault in this test")),
      },
      { runs: createRunBookkeeping(t.worker.db, "worker-test") },
    );
    // The worker's activities get a client over its NativeConnection: the same here.
    const activityEnv = new MockActivityEnvironment({}, { client: new Client({ connection: env.nativeConnection, namespace: env.namespace ?? "default" }) });
    const newWf = `backup-source:${sourceId}:test-${randomUUID()}`;
    const runId = await activityEnv.run<[], string, () => Promise<string>>(() => backup.startBackupRun({ tenantId: tenant.tenantId, sourceId, trigger: "scheduled", workflowId: newWf }));

    for (const id of [terminated, vanished]) {
      expect(await runRow(id)).toMatchObject({ status: "failed", errorSummary: ABANDONED_SUMMARY, finishedAt: expect.any(Date) as unknown });
    }
    expect(ABANDONED_SUMMARY).toBe("abandoned: its workflow ended without finishing the run");
    expect(await snapRow(halfWritten.id)).toMatchObject({ status: "failed", committedAt: null });
    expect(await snapRow(committed.id)).toEqual(committedBefore);
    for (const id of [live, fresh, elsewhere, runId]) expect((await runRow(id))?.status).toBe("running");
    expect((await snapRow(liveSnap.id))?.status).toBe("open");
    const audited = await t.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenant.tenantId), eq(auditEvents.action, "backup.abandoned")));
    expect(audited.map((a) => a.targetId).sort()).toEqual([terminated, vanished].sort());

    // Once the workflow is gone, the next start closes that run too; a second pass changes nothing more.
    const closedAt = (await runRow(terminated))?.finishedAt;
    await env.client.workflow.getHandle(liveWf).terminate("test");
    await activityEnv.run(() => backup.startBackupRun({ tenantId: tenant.tenantId, sourceId, trigger: "on_demand", workflowId: `${newWf}-2` }));
    expect(await runRow(live)).toMatchObject({ status: "failed", errorSummary: ABANDONED_SUMMARY });
    expect((await snapRow(liveSnap.id))?.status).toBe("failed");
    expect(await runRow(terminated)).toMatchObject({ status: "failed", finishedAt: closedAt });

    // A run that finishes closes the snapshots its failed units left open; its committed ones stay.
    const failedUnitSnap = await openSnapshot(tenant.worker, { unitId: u2, runId });
    const doneSnap = await openSnapshot(tenant.worker, { unitId: u1, runId });
    await commitSnapshot(tenant.worker, doneSnap.id, { vaultSnapshotId: "vault-snap-2" });
    await activityEnv.run(() => backup.recordUnitFailure({ tenantId: tenant.tenantId, runId, unitId: u2, code: "failed", message: "simulated" }));
    await activityEnv.run(() => backup.finishBackupRun({ tenantId: tenant.tenantId, runId, status: "completed_with_warnings", summary: "1 of 2 units backed up; 0 items not captured; failed: x (y)", stats: EMPTY_STATS }));
    expect((await snapRow(failedUnitSnap.id))?.status).toBe("failed");
    expect((await snapRow(doneSnap.id))?.status).toBe("committed");
    expect((await runRow(runId))?.status).toBe("completed_with_warnings");
  });
});

/** An export job of `tenant` with an archive stored in the exports store, expiring at `expiresAt`. */
async function storedExport(tenant: Awaited<ReturnType<typeof newTenant>>, unitId: string, sourceId: string, expiresAt: Date) {
  const id = randomUUID();
  const objectKey = ExportsStore.objectKey(tenant.tenantId, id, "holdfast-export.zip");
  await store.put(objectKey, "archive bytes", "application/zip");
  await t.owner.db.insert(restoreJobs).values({
    id,
    tenantId: tenant.tenantId,
    sourceId,
    unitId,
    targetUnitId: unitId,
    selection: {},
    asOf: new Date(),
    kind: "export",
    format: "zip",
    copyFolder: "",
    status: "completed",
    exportObjectKey: objectKey,
    exportBytes: 13,
    exportExpiresAt: expiresAt,
    finishedAt: new Date(),
  });
  return { id, objectKey };
}

async function stored(objectKey: string): Promise<boolean> {
  try {
    await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: objectKey }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

async function idempotencyRecord(tenantId: string, ageMs: number): Promise<string> {
  const key = randomUUID();
  await t.owner.db.insert(idempotencyKeys).values({ tenantId, principal: `api_key:${randomUUID()}`, key, requestHash: "0".repeat(64), status: 201, body: { sealed: "x" }, createdAt: new Date(Date.now() - ageMs) });
  return key;
}

const keysOf = async (tenantId: string) => (await t.owner.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.tenantId, tenantId))).map((r) => r.key).sort();
const exportRow = async (id: string) => (await t.owner.db.select().from(restoreJobs).where(eq(restoreJobs.id, id)))[0];

describe("maintenance sweeps", () => {
  it("delete expired archives and idempotency records, tenant by tenant, and nothing else", async () => {
    const a = await newTenant("sweep-a");
    const b = await newTenant("sweep-b");
    const idle = await newTenant("sweep-idle");
    const sa = await newSource(a);
    const sb = await newSource(b);
    const expiredA = await storedExport(a, sa.units[0] as string, sa.sourceId, new Date(Date.now() - HOUR));
    const currentA = await storedExport(a, sa.units[0] as string, sa.sourceId, new Date(Date.now() + 24 * HOUR));
    const expiredB = await storedExport(b, sb.units[0] as string, sb.sourceId, new Date(Date.now() - 2 * HOUR));
    const oldKeyA = await idempotencyRecord(a.tenantId, 25 * HOUR);
    const newKeyA = await idempotencyRecord(a.tenantId, 23 * HOUR);
    const newKeyIdle = await idempotencyRecord(idle.tenantId, HOUR);

    // The one cross-tenant read: ids of tenants with something due, nothing else.
    expect(await tenantsDueForMaintenance(t.worker.db)).toEqual([a.tenantId, b.tenantId].sort());

    // The application role still cannot read another tenant's rows (the function is the only door).
    const leaked = await t.app.db.execute(sql`select count(*)::int as n from idempotency_keys`);
    expect(leaked.rows[0]).toEqual({ n: 0 });

    // Only the system actor sweeps.
    await expect(sweepExpiredExports(a.owner, store)).rejects.toThrow(/worker only/);

    // An archive whose deletion fails stays listed with its reason and is retried next time.
    const failing = { delete: (key: string) => (key === expiredA.objectKey ? Promise.reject(new Error("S3 said SlowDown (injected)")) : store.delete(key)) };
    expect(await sweepExpiredExports(a.worker, failing)).toEqual({ deleted: 0, failed: [{ exportId: expiredA.id, reason: "Error: S3 said SlowDown (injected)" }] });
    expect(await stored(expiredA.objectKey)).toBe(true);
    expect((await exportRow(expiredA.id))?.exportObjectKey).toBe(expiredA.objectKey);

    expect(await sweepExpiredExports(a.worker, store)).toEqual({ deleted: 1, failed: [] });
    expect(await stored(expiredA.objectKey)).toBe(false);
    expect((await exportRow(expiredA.id))?.exportObjectKey).toBeNull();
    expect(await stored(currentA.objectKey)).toBe(true);
    expect((await exportRow(currentA.id))?.exportObjectKey).toBe(currentA.objectKey);
    // Tenant B's expired archive is B's sweep's: A's sweep never sees it.
    expect(await stored(expiredB.objectKey)).toBe(true);
    const expiredAudit = await t.owner.db.select().from(auditEvents).where(and(eq(auditEvents.action, "export.expired"), eq(auditEvents.tenantId, a.tenantId)));
    expect(expiredAudit.map((e) => e.targetId)).toEqual([expiredA.id]);

    expect(await keysOf(a.tenantId)).toEqual([oldKeyA, newKeyA].sort());
    expect(await purgeExpiredIdempotencyKeys(a.worker)).toBe(1);
    expect(await keysOf(a.tenantId)).toEqual([newKeyA]);
    expect(await keysOf(idle.tenantId)).toEqual([newKeyIdle]);
    expect(await purgeExpiredIdempotencyKeys(a.worker)).toBe(0);

    // Left: B's archive only.
    expect(await tenantsDueForMaintenance(t.worker.db)).toEqual([b.tenantId]);
    expect(await sweepExpiredExports(b.worker, store)).toEqual({ deleted: 1, failed: [] });
    expect(await stored(expiredB.objectKey)).toBe(false);
    expect(await tenantsDueForMaintenance(t.worker.db)).toEqual([]);
  });

  it("run as the `maintenance` workflow on the worker, whose start-up upserts the hourly schedule", async () => {
    const a = await newTenant("wf-a");
    const b = await newTenant("wf-b");
    const sa = await newSource(a);
    const sb = await newSource(b);
    const ea = await storedExport(a, sa.units[0] as string, sa.sourceId, new Date(Date.now() - HOUR));
    const eb = await storedExport(b, sb.units[1] as string, sb.sourceId, new Date(Date.now() - HOUR));
    await idempotencyRecord(a.tenantId, 30 * HOUR);
    await idempotencyRecord(b.tenantId, 30 * HOUR);
    const keptB = await idempotencyRecord(b.tenantId, 2 * HOUR);

    const taskQueue = `maintenance-${randomUUID()}`;
    const deps = {
      db: t.worker.db,
      connection: env.nativeConnection,
      namespace: env.namespace ?? "default",
      taskQueue,
      healthPort: 0,
      workflows: suiteWorkflows(),
      maintenance: createMaintenancePorts({ db: t.worker.db, workerId: "worker-test", exportsStore: store }),
    };
    const running = await startWorker(deps);
    try {
      const schedule = await env.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID).describe();
      expect(schedule.spec.intervals?.map((i) => i.every)).toEqual([HOUR]);
      expect(schedule.policies.overlap).toBe("SKIP");
      expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "maintenance", taskQueue });

      const result = (await env.client.workflow.execute("maintenance", {
        taskQueue,
        workflowId: maintenanceWorkflowIds.maintenance(`test-${randomUUID()}`),
        args: [{ tenantsPerRun: 1, concurrency: 1 }],
      })) as MaintenanceResult;
      expect(result).toMatchObject({ tenants: 2, exportsDeleted: 2, exportsFailed: 0, idempotencyKeysDeleted: 2, failedTenants: 0, problems: [], hops: 1 });
      expect(await stored(ea.objectKey)).toBe(false);
      expect(await stored(eb.objectKey)).toBe(false);
      expect(await keysOf(b.tenantId)).toEqual([keptB]);
    } finally {
      running.shutdown();
      await running.done;
    }

    // A second worker's start-up updates the schedule in place (no duplicate, no error), keeping an operator's pause.
    await env.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID).pause("operator (test)");
    const again = await startWorker({ ...deps, taskQueue: `${taskQueue}-2` });
    try {
      const schedule = await env.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID).describe();
      expect(schedule.action).toMatchObject({ taskQueue: `${taskQueue}-2` });
      expect(schedule.state.paused).toBe(true);
    } finally {
      again.shutdown();
      await again.done;
    }
  });
});
