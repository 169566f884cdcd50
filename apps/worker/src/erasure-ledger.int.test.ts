// The erasure ledger end to end on the real servers (docs/vault-format.md §15, ADR 0023): an item is
// backed up into the tenant's vault (versitygw, Object Lock) and catalogued, its erasure is asked,
// approved and carried out by the guardedRequest workflow on a real worker (Temporal dev server,
// the worker and holdfast_guard roles on Postgres), and then holdfast-restore — the offline tool,
// run as a process with only the reader's credentials and the recovery key — reports it erased and
// leaves it out while its neighbour restores byte for byte.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { open } from "@holdfast/auth";
import { vaultConfig } from "@holdfast/config";
import { eq, tenantVaults } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  approveGuardedRequest,
  commitSnapshot,
  finishRun,
  getGuardedRequest,
  openSnapshot,
  recordVersions,
  registerSource,
  requestErasure,
  startRun,
  syncDiscoveredUnits,
  systemContext,
} from "@holdfast/services";
import { openTenantVault, provisionTenantVault } from "@holdfast/services/vaults";
import { guardedRequestWorkflowId, type GuardedRequestResult } from "@holdfast/workflows";
import { S3ObjectStore } from "@holdfast/vault/store";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdfastRestore } from "../test/holdfast-restore";
import { enrolledPerson } from "../test/people";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createGuardPorts } from "./guard-ports";
import { type RunningWorker } from "./main";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const taskQueue = `erasure-ledger-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let jobs: JobsPort;
let dir: string;


beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("erasure_ledger"), createTestTemporal()]);
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  worker = await startSuiteWorker(env, { db: t.worker.db, taskQueue, guard: createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, workerId: "erasure-ledger-test" }) });
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  dir = await mkdtemp(join(tmpdir(), "hf-erasure-ledger-"));
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("an erasure reaches the vault's ledger and holdfast-restore honours it", () => {
  it("leaves the erased item out of an offline listing and restore, refuses it by path, and restores its neighbour", async () => {
    const owner = await enrolledPerson(t.app.db, null, "ledger-owner");
    const admin = await enrolledPerson(t.app.db, owner.ctx, "ledger-admin");
    const tenantId = owner.ctx.tenantId;
    await t.owner.pool.query("update organizations set guard_delay_seconds = 1 where id = $1", [tenantId]);
    const { bucket, recoveryKey } = await provisionTenantVault(owner.ctx, { retainDays: 1 });
    const [row] = await t.owner.db.select().from(tenantVaults).where(eq(tenantVaults.tenantId, tenantId));
    if (!row) throw new Error("no vault row");
    const reader = JSON.parse(open(Buffer.from(process.env.HOLDFAST_KEK ?? "", "base64"), row.readerEnc, `tenant-vault:${tenantId}:reader`)) as { accessKeyId: string; secretAccessKey: string };

    // One backup of a drive with two files, in the vault and in the catalogue, as the backup worker writes them.
    const system = systemContext(t.worker.db, tenantId, "erasure-ledger-test");
    const source = await registerSource(owner.ctx, { provider: "google", displayName: "ledger.example", credentials: { refreshToken: "1//refresh" } });
    const { added } = await syncDiscoveredUnits(system, { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Carol's Drive" }] }, new Date());
    const unitId = added[0]!.id;
    const files = [
      { externalId: "f-pay", name: "Q3 payroll.xlsx", vaultPath: "HR/Q3 payroll.xlsx~r1", body: "salaries of everyone" },
      { externalId: "f-hb", name: "handbook.pdf", vaultPath: "HR/handbook.pdf~1", body: "the staff handbook" },
    ];
    const retainUntil = new Date(Date.now() + 86_400_000);
    const vault = await openTenantVault(system, "writer");
    const w = await vault.startSnapshot({ source: source.id, unit: unitId, startedAt: new Date(), retainUntil });
    for (const f of files) await w.putItem(f.vaultPath, Readable.from([Buffer.from(f.body)]), { externalId: f.externalId, kind: "file", path: `/HR/${f.name}`, name: f.name, version: "1" });
    const vaultSnapshotId = await w.commit();
    await vault.close();
    const run = await startRun(system, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:1` });
    const snap = await openSnapshot(system, { unitId, runId: run.id });
    await recordVersions(
      system,
      snap.id,
      files.map((f) => ({ externalId: f.externalId, kind: "file" as const, version: "1", path: `/HR/${f.name}`, name: f.name, size: f.body.length, contentSha256: "a".repeat(64), vault: { snapshotId: vaultSnapshotId, path: f.vaultPath } })),
    );
    await commitSnapshot(system, snap.id, { vaultSnapshotId, retainUntil });
    await finishRun(system, run.id, { outcome: "finished" });
    const { rows } = await t.owner.pool.query<{ id: string }>("select id from items where unit_id = $1 and external_id = 'f-pay'", [unitId]);
    const payrollId = rows[0]!.id;

    // Asked by the owner, approved by the second admin, carried out by the workflow after its delay.
    const request = await requestErasure(owner.ctx, { itemIds: [payrollId], reason: "GDPR request #77" }, { guard: jobs });
    await approveGuardedRequest(admin.ctx, request.id, { code: admin.code() }, jobs);
    const result = (await env.client.workflow.getHandle(guardedRequestWorkflowId(request.id)).result()) as GuardedRequestResult;
    expect(result).toEqual({ requestId: request.id, status: "executed" });
    const executedAt = (await getGuardedRequest(owner.ctx, request.id)).executedAt ?? "";

    // The ledger object is in the bucket, locked, and names neither the item nor its path.
    const readerStore = new S3ObjectStore({ endpoint: vaultConfig().endpoint, region: vaultConfig().region, forcePathStyle: true, bucket, credentials: reader });
    const key = `erasures/${request.id}.json`;
    const text = new TextDecoder().decode(await readerStore.get(key));
    for (const secret of ["f-pay", "payroll", unitId]) expect(text).not.toContain(secret);
    const lock = await readerStore.retention(key);
    expect(lock.mode).toBe("COMPLIANCE");
    expect(lock.retainUntil?.getTime()).toBeGreaterThan(Date.now() + 7 * 365 * 86_400_000);

    // Recording again (a retried activity) writes nothing new.
    const ports = createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, workerId: "erasure-ledger-test" });
    expect(await ports.recordErasure?.(tenantId, request.id)).toEqual({ items: 1, written: false });

    // Offline: the bucket, the reader's credentials and the recovery key, no database.
    const conn = { bucket, reader, recoveryKey };
    const note = `1 item left out: erased from backups (request ${request.id}, ${executedAt.slice(0, 10)})`;
    const ls = await holdfastRestore(["ls", "latest", "--json"], conn, dir);
    expect(ls.stderr).toBe("");
    expect(ls.code).toBe(0);
    const listed = JSON.parse(ls.stdout) as { items: { path: string }[]; leftOut: { requestId: string; items: number }[] };
    expect(listed.items.map((i) => i.path)).toEqual(["HR/handbook.pdf~1"]);
    expect(listed.leftOut).toEqual([{ reason: "erased", requestId: request.id, executedAt: new Date(executedAt).toISOString(), items: 1 }]);

    const target = join(dir, "restored");
    const restored = await holdfastRestore(["restore", "latest", "--target", target], conn, dir);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain(note);
    expect(restored.stdout).toContain("restored 1 of 1 items");
    expect(await readFile(join(target, "HR/handbook.pdf~1"), "utf8")).toBe("the staff handbook");
    await expect(readFile(join(target, "HR/Q3 payroll.xlsx~r1"))).rejects.toThrow();

    const named = await holdfastRestore(["restore", "latest", "--path", "HR/Q3 payroll.xlsx~r1", "--target", join(dir, "one")], conn, dir);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`"HR/Q3 payroll.xlsx~r1" was erased from backups (request ${request.id}, ${executedAt.slice(0, 10)})`);
  }, 180_000);
});
