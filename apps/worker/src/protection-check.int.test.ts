// The hourly protection check on the real servers: the worker upserts its schedule, and a run
// opens one alert for the tenant whose backups stopped (emailed through the stack's mailpit), none
// for a healthy one, and a second run opens nothing more.
import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { commitSnapshot, finishRun, listAuditEvents, openSnapshot, registerSource, signUp, startRun, syncDiscoveredUnits, systemContext, type TenantContext } from "@holdfast/services";
import { PROTECTION_SCHEDULE_ID, protectionCheckWorkflowId, type ProtectionCheckResult } from "@holdfast/workflows/activities";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createProtectionPorts } from "./protection-ports";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const DAY = 86_400_000;
let t: TestDatabase;
let env: TestWorkflowEnvironment;

async function tenant(label: string, lastBackupAt: Date) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const worker = systemContext(t.worker.db, organization.id, "protection-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d", displayName: "Drive" }] }, new Date(lastBackupAt.getTime() - 60_000));
  const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:1` }, lastBackupAt);
  const snap = await openSnapshot(worker, { unitId: added[0]!.id, runId: run.id }, lastBackupAt);
  await commitSnapshot(worker, snap.id, { vaultSnapshotId: "vs-1", retainUntil: new Date(lastBackupAt.getTime() + 30 * DAY) }, lastBackupAt);
  await finishRun(worker, run.id, { outcome: "finished" }, lastBackupAt);
  return { owner, tenantId: organization.id };
}

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("protection"), createTestTemporal()]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

describe("the protection check", () => {
  it("alerts once for a tenant whose backups stopped, not for a healthy one", async () => {
    const stopped = await tenant("stopped", new Date(Date.now() - 5 * DAY));
    const healthy = await tenant("healthy", new Date());
    const taskQueue = `protection-${randomUUID()}`;
    const running = await startSuiteWorker(env, {
      db: t.worker.db,
      taskQueue,
      protection: createProtectionPorts({ db: t.worker.db, workerId: "protection-test" }),
    });
    try {
      const schedule = await env.client.schedule.getHandle(PROTECTION_SCHEDULE_ID).describe();
      expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "protectionCheck", taskQueue });
      const runCheck = () => env.client.workflow.execute("protectionCheck", { taskQueue, workflowId: protectionCheckWorkflowId(randomUUID()), args: [{}] }) as Promise<ProtectionCheckResult>;
      expect(await runCheck()).toEqual({ tenants: 2, opened: 1, resolved: 0, guardedRequestsStarted: 0, failed: [] });
      expect(await runCheck()).toEqual({ tenants: 2, opened: 0, resolved: 0, guardedRequestsStarted: 0, failed: [] });
      expect((await listAuditEvents(stopped.owner, { action: "alert.opened" })).items).toHaveLength(1);
      expect((await listAuditEvents(healthy.owner, { action: "alert.opened" })).items).toHaveLength(0);
    } finally {
      running.shutdown();
      await running.done;
    }
  });
});
