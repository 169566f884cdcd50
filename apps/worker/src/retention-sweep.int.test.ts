// The daily retention sweep on the real servers: Postgres (as the worker role, under RLS), a
// Temporal dev server, and the stack's versitygw holding the tenant's vault with real compliance
// locks. Snapshots are written with a retain-until a few seconds ahead and the test waits: that
// is the clock. Expected: an unheld snapshot past its date is expired in the catalogue and its vault
// objects deleted by GC (grace 0); a locked one stays, and the server refuses the gc identity's
// delete; a held unit's past-due snapshot has its locks raised (read back with GetObjectRetention)
// and is not expired; the sweep is logged and audited.
import { randomBytes, randomUUID } from "node:crypto";
import { and, auditEvents, eq, retentionSweeps, snapshots } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  commitSnapshot,
  finishRun,
  listSnapshots,
  openSnapshot,
  placeLegalHold,
  registerSource,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type TenantContext,
} from "@holdfast/services";
import { openTenantVault, provisionTenantVault } from "@holdfast/services/vaults";
import type { DeletingObjectStore, Vault } from "@holdfast/vault";
import type { S3ObjectStore } from "@holdfast/vault/store";
import { RETENTION_SWEEP_SCHEDULE_ID, retentionWorkflowIds, type RetentionSweepsResult } from "@holdfast/workflows/activities";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createRetentionPorts } from "./retention-ports";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const DAY = 86_400_000;
let t: TestDatabase;
let env: TestWorkflowEnvironment;

async function newTenant() {
  const email = `sweep-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: "Sweep Ltd" });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  await provisionTenantVault(owner);
  const worker = systemContext(t.worker.db, organization.id, "sweep-test");
  const source = await registerSource(owner, { provider: "google", displayName: "sweep.example", credentials: { refreshToken: "not used here" } });
  const { added } = await syncDiscoveredUnits(worker, {
    sourceId: source.id,
    units: ["free", "held"].map((x) => ({ kind: "drive" as const, externalId: x, displayName: `Drive ${x}` })),
  });
  const [free, held] = added.map((u) => u.id) as [string, string];
  return { owner, worker, tenantId: organization.id, sourceId: source.id, free, held };
}

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/** A snapshot written to the vault (one random item, its own packs) and committed in the catalogue. */
async function snapshot(tn: Tenant, vault: Vault, unitId: string, retainUntil: Date): Promise<{ id: string; vaultId: string }> {
  const w = await vault.startSnapshot({ source: tn.sourceId, unit: unitId, startedAt: new Date(), retainUntil });
  await w.putItem(`/${randomUUID()}.bin`, randomBytes(50_000), {});
  const vaultId = await w.commit();
  const run = await startRun(tn.worker, { sourceId: tn.sourceId, trigger: "scheduled", workflowId: `backup:${tn.sourceId}:${randomUUID()}`, unitId });
  const snap = await openSnapshot(tn.worker, { unitId, runId: run.id });
  await commitSnapshot(tn.worker, snap.id, { vaultSnapshotId: vaultId, retainUntil });
  await finishRun(tn.worker, run.id, { outcome: "finished" });
  return { id: snap.id, vaultId };
}

const snapRow = async (id: string) => (await t.owner.db.select().from(snapshots).where(eq(snapshots.id, id)))[0];
const snapshotKey = (vaultId: string) => `snapshots/${vaultId}`;

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("retention-sweep"), createTestTemporal()]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

describe("retentionSweep on the real stack", () => {
  it("extends held snapshots, expires the rest past their date, and GC deletes only what no lock protects", async () => {
    const tn = await newTenant();
    const writer = await openTenantVault(tn.worker, "writer");
    const soon = new Date(Date.now() + 8_000);
    const expiring = await snapshot(tn, writer, tn.free, soon);
    // Past the 30-day horizon: not due, so not extended although it is the unit's latest.
    const locked = await snapshot(tn, writer, tn.free, new Date(Date.now() + 90 * DAY));
    const held = await snapshot(tn, writer, tn.held, soon);
    const expiringPacks = (await writer.readSnapshot(expiring.vaultId)).packs;
    const heldManifest = await writer.readSnapshot(held.vaultId);
    await placeLegalHold(tn.owner, { unitId: tn.held, reason: "litigation 2026-41" });
    // Past the short dates, by the vault server's clock too.
    await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now()) + 2_000));

    const taskQueue = `retention-${randomUUID()}`;
    const running = await startSuiteWorker(env, {
      db: t.worker.db,
      taskQueue,
      retention: createRetentionPorts({ db: t.worker.db, workerId: "sweep-test", gcGraceMs: 0 }),
    });
    let result: RetentionSweepsResult;
    const before = Date.now();
    try {
      const schedule = await env.client.schedule.getHandle(RETENTION_SWEEP_SCHEDULE_ID).describe();
      expect(schedule.policies.overlap).toBe("SKIP");
      expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "retentionSweeps", taskQueue });
      result = (await env.client.workflow.execute("retentionSweeps", { taskQueue, workflowId: retentionWorkflowIds.retentionSweeps(`test-${randomUUID()}`), args: [{}] })) as RetentionSweepsResult;
    } finally {
      running.shutdown();
      await running.done;
    }
    expect(result).toMatchObject({ tenants: 1, failedTenants: 0, expiredSnapshots: 1, heldExtended: 1, problems: [] });

    // Catalogue: expired is no longer a restore point; the locked and the held ones are.
    expect(await snapRow(expiring.id)).toMatchObject({ status: "expired", expiredAt: expect.any(Date) as unknown });
    expect(await snapRow(locked.id)).toMatchObject({ status: "committed", expiredAt: null });
    const heldRow = await snapRow(held.id);
    expect(heldRow?.status).toBe("committed");
    expect(heldRow?.retainUntil?.getTime()).toBeGreaterThanOrEqual(before + 59 * DAY);
    const listed = (await listSnapshots(tn.owner, { unitId: tn.free })).items.map((s) => s.id);
    expect(listed).toEqual([locked.id]);

    // Vault: the expired snapshot's manifest and packs are gone; the locked one's manifest is there.
    const store = writer.store as S3ObjectStore;
    expect(await store.head(snapshotKey(expiring.vaultId))).toBeNull();
    for (const p of expiringPacks) expect(await store.head(`data/${p.slice(0, 2)}/${p}`)).toBeNull();
    const lockedHead = await store.head(snapshotKey(locked.vaultId));
    expect(lockedHead).not.toBeNull();
    // The held snapshot's locks were raised on the server: manifest, packs and indexes.
    const heldKeys = [snapshotKey(held.vaultId), ...heldManifest.packs.map((p) => `data/${p.slice(0, 2)}/${p}`), ...heldManifest.indexes.map((i) => `index/${i}`)];
    for (const key of heldKeys) {
      const { retainUntil } = await store.retention(key);
      expect(retainUntil?.getTime(), key).toBeGreaterThanOrEqual(before + 59 * DAY);
    }

    // The server itself refuses to delete a locked manifest, even for the gc identity.
    const gc = await openTenantVault(tn.worker, "gc");
    try {
      await expect((gc.store as DeletingObjectStore).deleteVersion(snapshotKey(locked.vaultId), lockedHead?.versionId as string)).rejects.toThrow();
      expect(await store.head(snapshotKey(locked.vaultId))).not.toBeNull();
    } finally {
      await gc.close();
      await writer.close();
    }

    // The sweep's log and its audit row.
    const [sweep] = await t.owner.db.select().from(retentionSweeps).where(eq(retentionSweeps.tenantId, tn.tenantId));
    expect(sweep).toMatchObject({ status: "completed", expiredSnapshots: 1, heldExtended: 1, error: null, finishedAt: expect.any(Date) as unknown });
    expect(sweep?.gcReport).toMatchObject({ dryRun: false, snapshotsDeleted: 1, problemCount: 0 });
    expect((sweep?.gcReport as { packsDeleted: number }).packsDeleted).toBeGreaterThanOrEqual(expiringPacks.length);
    const audited = await t.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tn.tenantId), eq(auditEvents.action, "retention.swept")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: "system", targetId: sweep?.id, metadata: { status: "completed", expiredSnapshots: 1, heldExtended: 1, gc: { snapshotsDeleted: 1 } } });
  }, 180_000);
});
