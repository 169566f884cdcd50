// Restore drills on the real stack: a Google Workspace source backed up by the worker (Postgres,
// a Temporal dev server, versitygw, the sandbox in-process), then `verifyVaults` / `verifyVault`
// run by a worker with the drill activities. Expected: on an intact vault the drill passes, every
// sampled item restored into scratch space with the catalogue's hash, counts and the measured time
// recorded, the scratch space emptied; after one sampled item's catalogue hash is corrupted (as the
// database owner) the drill fails naming that item, is audited and is emailed to the admins.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { and, auditEvents, eq, itemVersions, sql, users, vaultDrills } from "@holdfast/db";
import { latestDrill, listDrills } from "@holdfast/services";
import { createDrillActivities, drillWorkflowIds, upsertVerifyVaultsSchedule, VERIFY_VAULTS_SCHEDULE_ID, type VerifyVaultResult, type VerifyVaultsResult } from "@holdfast/workflows/activities";
import { Worker } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerStack, type WorkerStack } from "../test/stack";
import { createDrillPorts } from "./drill-ports";

const MAIL_API = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");

let stack: WorkerStack;
let scratch: string;
let drillQueue: string;
let drillWorker: Worker;
let drillRun: Promise<void>;

/** The drill workflows' own module: the lead exports them from the bundle entry; this worker needs only them. */
const drillWorkflowsPath = () => join(dirname(createRequire(import.meta.url).resolve("@holdfast/workflows/workflows")), "verify-vault.ts");

/** Current, hashed item versions in committed snapshots: what a drill samples from. */
async function candidates() {
  const res = await stack.db.owner.db.execute<{ id: string; unit_id: string; path: string }>(sql`
    select v.id, v.unit_id, v.path from item_versions v
     where v.tenant_id = ${stack.tenantId} and v.superseded_at is null and v.kind <> 'folder' and v.content_sha256 is not null and v.vault_path is not null
       and exists (select 1 from snapshots s where s.vault_snapshot_id = v.vault_snapshot_id and s.status = 'committed')`);
  return res.rows;
}

async function mailTo(recipient: string, subjectPart: string): Promise<{ Subject: string; Text: string } | null> {
  for (let i = 0; i < 40; i++) {
    const found = (await (await fetch(`${MAIL_API}/api/v1/search?query=${encodeURIComponent(`to:"${recipient}"`)}&limit=50`)).json()) as { messages: { ID: string; Subject: string }[] };
    const hit = found.messages.find((m) => m.Subject.includes(subjectPart));
    if (hit) return (await (await fetch(`${MAIL_API}/api/v1/message/${hit.ID}`)).json()) as { Subject: string; Text: string };
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

beforeAll(async () => {
  stack = await startWorkerStack("verify-vault");
  // Few enough items that a drill's sample (20, at most 3 a unit) covers every one of them.
  const google = await stack.connectGoogle({ seed: 1707, users: 2, itemsPerUser: 3, driveFilesPerUser: 2, eventsPerUser: 1 });
  const backup = await stack.runBackup(google.sourceId, "first");
  if (backup.status !== "completed") throw new Error(`the backup did not complete: ${JSON.stringify(backup)}`);
  scratch = await mkdtemp(join(tmpdir(), "hf-drill-scratch-"));
  drillQueue = `verify-vault-${stack.taskQueue}`;
  const ports = createDrillPorts({ db: stack.db.worker.db, workerId: "drill-test", readVault: (id) => stack.ports.restore.readVault(id), scratchRoot: scratch });
  drillWorker = await Worker.create({
    connection: stack.env.nativeConnection,
    namespace: stack.env.namespace ?? "default",
    taskQueue: drillQueue,
    workflowsPath: drillWorkflowsPath(),
    activities: createDrillActivities(ports),
  });
  drillRun = drillWorker.run();
}, 300_000);

afterAll(async () => {
  if (drillWorker?.getState() === "RUNNING") drillWorker.shutdown();
  await drillRun;
  await stack?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("verifyVault restore drills on the real stack", () => {
  it("passes on an intact vault: packs verified, every sampled item restored with the catalogue's hash, counts and time recorded", async () => {
    const pool = await candidates();
    const perUnit = new Map<string, number>();
    for (const c of pool) perUnit.set(c.unit_id, (perUnit.get(c.unit_id) ?? 0) + 1);
    expect(pool.length).toBeGreaterThan(3);
    // The premise of the second test: the sample is the whole pool.
    expect(pool.length).toBeLessThanOrEqual(20);
    expect(Math.max(...perUnit.values())).toBeLessThanOrEqual(3);

    await upsertVerifyVaultsSchedule(stack.env.client, { taskQueue: drillQueue });
    const schedule = await stack.env.client.schedule.getHandle(VERIFY_VAULTS_SCHEDULE_ID).describe();
    expect(schedule.policies.overlap).toBe("SKIP");
    expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "verifyVaults", taskQueue: drillQueue });

    const result = (await stack.env.client.workflow.execute("verifyVaults", { taskQueue: drillQueue, workflowId: drillWorkflowIds.verifyVaults(`test-${Date.now()}`), args: [{}] })) as VerifyVaultsResult;
    expect(result).toMatchObject({ tenants: 1, passed: 1, failed: 0, errors: [] });

    const [row] = await stack.db.owner.db.select().from(vaultDrills).where(eq(vaultDrills.tenantId, stack.tenantId));
    expect(row).toMatchObject({ status: "passed", itemsSampled: pool.length, itemsMatched: pool.length, problems: [], finishedAt: expect.any(Date) as unknown });
    expect(row?.packsChecked).toBeGreaterThanOrEqual(1);
    expect(row?.snapshotsChecked).toBeGreaterThanOrEqual(1);
    expect(row?.bytesRestored).toBeGreaterThan(0);
    expect(row?.restoreMs).toEqual(expect.any(Number));
    expect(row?.restoreMs).toBeGreaterThanOrEqual(0);
    // The scratch space is left empty.
    expect(await readdir(scratch)).toEqual([]);

    const audited = await stack.db.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, stack.tenantId), eq(auditEvents.action, "drill.passed")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: "system", targetId: row?.id, metadata: { itemsSampled: pool.length, itemsMatched: pool.length } });
    // What the console reads, as a member.
    const viewer = { ...stack.owner, role: "viewer" as const };
    expect(await latestDrill(viewer)).toMatchObject({ id: row?.id, status: "passed", itemsSampled: pool.length, restoreMs: row?.restoreMs, problems: [] });
  }, 180_000);

  it("fails when a sampled item's content does not match its catalogue hash, naming that item, and tells the admins", async () => {
    const [victim] = await candidates();
    if (!victim) throw new Error("nothing to corrupt");
    const wrong = "f".repeat(64);
    await stack.db.owner.db.update(itemVersions).set({ contentSha256: wrong }).where(eq(itemVersions.id, victim.id));

    const at = new Date().toISOString();
    const r = (await stack.env.client.workflow.execute("verifyVault", { taskQueue: drillQueue, workflowId: drillWorkflowIds.verifyVault(stack.tenantId, at), args: [{ tenantId: stack.tenantId, at }] })) as VerifyVaultResult;
    expect(r).toMatchObject({ status: "failed", problems: 1 });
    expect(r.itemsMatched).toBe(r.itemsSampled - 1);

    const latest = await latestDrill(stack.owner);
    expect(latest).toMatchObject({ id: r.drillId, status: "failed", itemsMatched: r.itemsSampled - 1 });
    expect(latest?.problems).toEqual([{ object: victim.path, problem: expect.stringContaining(`the catalogue records ${wrong} (item version ${victim.id})`) as unknown }]);
    expect(await listDrills(stack.owner, { limit: 5 })).toHaveLength(2);
    expect(await readdir(scratch)).toEqual([]);

    const audited = await stack.db.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, stack.tenantId), eq(auditEvents.action, "drill.failed")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: "system", targetId: r.drillId, metadata: { problemCount: 1 } });
    const notSent = await stack.db.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, stack.tenantId), eq(auditEvents.action, "notification.failed")));
    expect(notSent).toEqual([]);
    const [owner] = await stack.db.owner.db.select({ email: users.email }).from(users).where(eq(users.id, stack.owner.actor.id));
    const mail = await mailTo(owner?.email ?? "", "a restore drill failed");
    expect(mail?.Text).toContain(victim.path);
  }, 180_000);
});
