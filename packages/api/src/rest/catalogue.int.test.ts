// Jobs, on-demand backups, snapshots, browse/search and restores over /api/v1, end to end: the
// real REST handler on a real Postgres (RLS on), and the real Temporal job runner on a Temporal dev
// server (no worker: the started workflows are checked through the client). The catalogue is
// written with the catalogue services, as a backup's activities write it.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  commitSnapshot,
  createApiKey,
  finishRun,
  listUnits,
  markDeleted,
  openSnapshot,
  recordRestoreOutcomes,
  recordRunIssues,
  recordVersions,
  registerSource,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type RecordVersionInput,
  type Role,
  type TenantContext,
} from "@holdfast/services";
import { restoreWorkflowId } from "@holdfast/workflows/contracts";
import { defaultPayloadConverter } from "@temporalio/client";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsPort } from "../jobs/port";
import { createTemporalJobs } from "../jobs/temporal";
import { createRestHandler, type RestHandler } from "./handler";
import { BASE, memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let downJobs: JobsPort;
let handle: RestHandler;
let handleDown: RestHandler;
const taskQueue = `catalogue-${randomBytes(4).toString("hex")}`;

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

async function call(method: string, path: string, opts: { key: string; body?: unknown; headers?: Record<string, string>; down?: boolean }): Promise<{ status: number; json: Json; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key}`, ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await (opts.down ? handleDown : handle)(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
}

interface Tenant {
  tenantId: string;
  owner: TenantContext;
  worker: TenantContext;
  keys: Record<"admin" | "operator" | "viewer", string>;
  sourceId: string;
  units: { id: string; externalId: string }[];
}

async function tenant(label: string): Promise<Tenant> {
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(owner, { name: `${role} key`, role })).key;
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "not-used-here" } });
  const worker = systemContext(t.worker.db, organization.id, "test-worker");
  await syncDiscoveredUnits(worker, {
    sourceId: source.id,
    units: ["alice", "bob"].map((n) => ({ kind: "drive" as const, externalId: `${n}-drive`, displayName: `${n}'s drive` })),
  });
  const units = await listUnits(owner, source.id);
  return { tenantId: organization.id, owner, worker, keys: { admin: await key("admin"), operator: await key("operator"), viewer: await key("viewer") }, sourceId: source.id, units };
}

/** The started workflow as Temporal recorded it: type, task queue and decoded arguments. */
async function startedWorkflow(workflowId: string) {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    type: started?.workflowType?.name,
    taskQueue: started?.taskQueue?.name,
    args: (started?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p)),
  };
}

/** No worker runs here: a started backup is ended as the workflow would end it, so the next may start. */
const settle = (runId: string) => finishRun(A.worker, runId, { outcome: "cancelled" });

const T1 = new Date("2026-03-01T08:00:00Z");
const T2 = new Date("2026-03-02T08:00:00Z");
const sha = (c: string) => c.repeat(64);
const docs: RecordVersionInput = { externalId: "d", kind: "folder", version: "1", path: "/Docs", name: "Docs" };
const report: RecordVersionInput = { externalId: "r", kind: "file", version: "1", path: "/Docs/quarterly report.txt", name: "quarterly report.txt", size: 100, contentSha256: sha("a"), vault: { snapshotId: "vs-1", path: "f/r" } };
const budget: RecordVersionInput = { externalId: "b", kind: "file", version: "1", path: "/Docs/budget.xlsx", name: "budget.xlsx", size: 50, contentSha256: sha("b"), vault: { snapshotId: "vs-1", path: "f/b" } };
const notes: RecordVersionInput = { externalId: "n", kind: "file", version: "1", path: "/notes.txt", name: "notes.txt", size: 7, contentSha256: sha("c"), vault: { snapshotId: "vs-1", path: "f/n" } };

let A: Tenant;
let B: Tenant;
let firstRunId: string;
let secondRunId: string;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("catalogue-api"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  // Nothing listens on port 1: every start fails to connect.
  downJobs = createTemporalJobs({ address: "127.0.0.1:1", namespace: "default", taskQueue });
  handle = createRestHandler({ db: t.app.db, jobs, logger: memoryLogger().logger });
  handleDown = createRestHandler({ db: t.app.db, jobs: downJobs, logger: memoryLogger().logger });
  [A, B] = await Promise.all([tenant("alpha"), tenant("beta")]);

  // Two backups of Alice's drive: the second changes the report and deletes the notes.
  const unitId = A.units[0]?.id ?? "";
  const first = await startRun(A.worker, { sourceId: A.sourceId, trigger: "scheduled", workflowId: "backup-source:a:first" }, T1);
  const s1 = await openSnapshot(A.worker, { unitId, runId: first.id }, T1);
  await recordVersions(A.worker, s1.id, [docs, report, budget, notes], T1);
  await commitSnapshot(A.worker, s1.id, { vaultSnapshotId: "vs-1" }, T1);
  await finishRun(A.worker, first.id, { outcome: "finished" }, T1);
  const second = await startRun(A.worker, { sourceId: A.sourceId, trigger: "scheduled", workflowId: "backup-source:a:second" }, T2);
  const s2 = await openSnapshot(A.worker, { unitId, runId: second.id }, T2);
  await recordVersions(A.worker, s2.id, [{ ...report, version: "2", size: 130, contentSha256: sha("d"), vault: { snapshotId: "vs-2", path: "f/r" } }], T2);
  await markDeleted(A.worker, s2.id, ["n"], T2);
  await commitSnapshot(A.worker, s2.id, { vaultSnapshotId: "vs-2" }, T2);
  await finishRun(A.worker, second.id, { outcome: "finished" }, T2);
  firstRunId = first.id;
  secondRunId = second.id;
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await downJobs?.close();
  await env?.teardown();
  await t?.drop();
});

describe("backup progress", () => {
  it("GET /jobs/{id} shows a running backup's progress as its versions are recorded, counting a retried batch once", async () => {
    const unitId = A.units[1]?.id ?? "";
    const run = await startRun(A.worker, { sourceId: A.sourceId, unitId, trigger: "on_demand", workflowId: "backup-source:a:progress" });
    const snap = await openSnapshot(A.worker, { unitId, runId: run.id });
    const before = await call("GET", `/jobs/${run.id}`, { key: A.keys.viewer });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ id: run.id, kind: "backup", status: "running", progress: { itemsDone: 0, bytesDone: 0 }, finishedAt: null, sourceId: A.sourceId, unitId, warnings: [], warningCount: 0 });

    await recordVersions(A.worker, snap.id, [docs, report, budget]);
    expect((await call("GET", `/jobs/${run.id}`, { key: A.keys.viewer })).json.progress).toEqual({ itemsDone: 2, bytesDone: 150 });
    // An activity retried after its batch committed records the same versions again: nothing is added.
    await recordVersions(A.worker, snap.id, [docs, report, budget]);
    expect((await call("GET", `/jobs/${run.id}`, { key: A.keys.viewer })).json.progress).toEqual({ itemsDone: 2, bytesDone: 150 });
    await recordVersions(A.worker, snap.id, [notes]);
    await recordRunIssues(A.worker, run.id, [{ unitId, itemExternalId: "x-1", path: "/Big.iso", reason: "too_large", message: "Larger than the provider lets us download" }]);
    const running = await call("GET", `/jobs/${run.id}`, { key: A.keys.viewer });
    expect(running.json).toMatchObject({ status: "running", progress: { itemsDone: 3, bytesDone: 157 }, warningCount: 1 });
    expect(running.json.warnings).toEqual([{ code: "too_large", message: "Larger than the provider lets us download", itemRef: "x-1", path: "/Big.iso", unitId }]);

    await commitSnapshot(A.worker, snap.id, { vaultSnapshotId: "vs-progress" });
    await finishRun(A.worker, run.id, { outcome: "finished" });
    const done = await call("GET", `/jobs/${run.id}`, { key: A.keys.viewer });
    expect(done.json).toMatchObject({ status: "completed_with_warnings", progress: { itemsDone: 3, bytesDone: 157 }, finishedAt: expect.any(String) as string });
  });

  it("a finished run's totals are the versions its segments recorded", async () => {
    const first = await call("GET", `/jobs/${firstRunId}`, { key: A.keys.viewer });
    expect(first.json).toMatchObject({ status: "completed", progress: { itemsDone: 3, bytesDone: 157 } });
    const second = await call("GET", `/jobs/${secondRunId}`, { key: A.keys.viewer });
    expect(second.json).toMatchObject({ status: "completed", progress: { itemsDone: 1, bytesDone: 130 } });
  });
});

describe("POST /sources/{id}/backups", () => {
  it("records the run and starts backupSource under the run's workflow id (202, job id = run id)", async () => {
    const res = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: {} });
    expect(res.status).toBe(202);
    const jobId = String(res.json.jobId);
    const job = await call("GET", `/jobs/${jobId}`, { key: A.keys.viewer });
    expect(job.json).toMatchObject({ id: jobId, kind: "backup", status: "running", sourceId: A.sourceId, progress: { itemsDone: 0, bytesDone: 0 } });
    expect(job.json.unitId).toBeUndefined();
    const [row] = (await t.owner.pool.query<{ workflow_id: string; trigger: string }>("select workflow_id, trigger from backup_runs where id = $1", [jobId])).rows;
    expect(row?.trigger).toBe("on_demand");
    expect(row?.workflow_id).toMatch(new RegExp(`^backup-source:${A.sourceId}:on-demand-[0-9a-f-]{36}$`));
    const wf = await startedWorkflow(row?.workflow_id ?? "");
    expect(wf).toEqual({ type: "backupSource", taskQueue, args: [{ tenantId: A.tenantId, sourceId: A.sourceId, trigger: "on_demand" }] });
    const audit = await call("GET", "/audit-events?action=backup.request", { key: A.keys.admin });
    expect(audit.json.items).toEqual([expect.objectContaining({ action: "backup.request", targetId: jobId })]);

    // One backup of a source at a time: a second request names the running job.
    const again = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: {} });
    expect(again.status).toBe(409);
    expect(again.json.error?.message).toContain(jobId);
    await settle(jobId);
  });

  it("passes the chosen units to the workflow and records a single unit on the run", async () => {
    const unitId = A.units[0]?.id ?? "";
    const res = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: { unitIds: [unitId] } });
    expect(res.status).toBe(202);
    const jobId = String(res.json.jobId);
    expect((await call("GET", `/jobs/${jobId}`, { key: A.keys.viewer })).json.unitId).toBe(unitId);
    const [row] = (await t.owner.pool.query<{ workflow_id: string }>("select workflow_id from backup_runs where id = $1", [jobId])).rows;
    expect((await startedWorkflow(row?.workflow_id ?? "")).args).toEqual([{ tenantId: A.tenantId, sourceId: A.sourceId, trigger: "on_demand", unitIds: [unitId] }]);
    await settle(jobId);
  });

  it("refuses viewers (403), disconnected sources (409 naming the status) and units of another source or tenant", async () => {
    expect((await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.viewer, body: {} })).status).toBe(403);
    const other = await registerSource(A.owner, { provider: "google", displayName: "revoked.example", credentials: { refreshToken: "x" } });
    await t.owner.pool.query("update sources set status = 'revoked' where id = $1", [other.id]);
    const revoked = await call("POST", `/sources/${other.id}/backups`, { key: A.keys.operator, body: {} });
    expect(revoked.status).toBe(409);
    expect(revoked.json.error?.message).toContain("revoked");
    const foreignUnit = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: { unitIds: [B.units[0]?.id] } });
    expect(foreignUnit.status).toBe(404);
    await syncDiscoveredUnits(A.worker, { sourceId: other.id, units: [{ kind: "drive", externalId: "carol-drive", displayName: "carol" }] });
    const [otherUnit] = await listUnits(A.owner, other.id);
    await t.owner.pool.query("update sources set status = 'connected' where id = $1", [other.id]);
    const wrongSource = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: { unitIds: [otherUnit?.id] } });
    expect(wrongSource.status).toBe(400);
    expect(wrongSource.json.error?.message).toContain("does not belong");
    expect((await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: { unitIds: ["nope"] } })).status).toBe(400);
  });

  it("when Temporal is unreachable: 503, and the run is recorded as failed with the reason", async () => {
    const res = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: {}, down: true });
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe("unavailable");
    expect(res.headers.get("retry-after")).toBe("30");
    const jobId = /job ([0-9a-f-]{36})/.exec(res.json.error?.message ?? "")?.[1] ?? "";
    const job = await call("GET", `/jobs/${jobId}`, { key: A.keys.viewer });
    expect(job.json).toMatchObject({ kind: "backup", status: "failed", finishedAt: expect.any(String) as string, summary: expect.stringContaining("could not be started") as string });
  }, 60_000);

  it("the same Idempotency-Key starts one backup, and its retry answers the same job", async () => {
    const headers = { "idempotency-key": `backup-${randomBytes(4).toString("hex")}` };
    const count = async () => (await t.owner.pool.query("select 1 from backup_runs where tenant_id = $1", [A.tenantId])).rowCount;
    const before = await count();
    const first = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: {}, headers });
    const again = await call("POST", `/sources/${A.sourceId}/backups`, { key: A.keys.operator, body: {}, headers });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.jobId).toBe(first.json.jobId);
    expect(await count()).toBe((before ?? 0) + 1);
    await settle(String(first.json.jobId));
  });
});

describe("GET /jobs", () => {
  it("lists backups and restores newest first, by source and kind, a stable page at a time", async () => {
    const all = await call("GET", `/jobs?sourceId=${A.sourceId}&limit=200`, { key: A.keys.viewer });
    const items = all.json.items as { id: string; startedAt: string; kind: string }[];
    expect(items.length).toBeGreaterThanOrEqual(5);
    const times = items.map((i) => i.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(items.at(-1)?.id).toBe(firstRunId);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call("GET", `/jobs?sourceId=${A.sourceId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: A.keys.viewer });
      expect(page.status).toBe(200);
      seen.push(...(page.json.items as { id: string }[]).map((i) => i.id));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(items.map((i) => i.id));
    expect((await call("GET", "/jobs?cursor=garbage", { key: A.keys.viewer })).status).toBe(400);
    expect((await call("GET", `/jobs?sourceId=${B.sourceId}`, { key: A.keys.viewer })).status).toBe(404);
    const restores = await call("GET", "/jobs?kind=restore", { key: A.keys.viewer });
    expect((restores.json.items as { kind: string }[]).every((i) => i.kind === "restore")).toBe(true);
  });
});

describe("snapshots and items", () => {
  it("GET /snapshots lists committed snapshots newest first with their counts, a page at a time", async () => {
    const unitId = A.units[0]?.id ?? "";
    const res = await call("GET", `/snapshots?unitId=${unitId}`, { key: A.keys.viewer });
    expect(res.status).toBe(200);
    const items = res.json.items as { vaultSnapshotId: string; itemCount: number; bytes: number; sourceId: string; committedAt: string }[];
    expect(items.map((s) => [s.vaultSnapshotId, s.itemCount, s.bytes])).toEqual([
      ["vs-2", 2, 180],
      ["vs-1", 3, 157],
    ]);
    expect(items.every((s) => s.sourceId === A.sourceId)).toBe(true);
    const page1 = await call("GET", `/snapshots?sourceId=${A.sourceId}&limit=1`, { key: A.keys.viewer });
    expect(page1.json.nextCursor).toEqual(expect.any(String));
    const bySource = await call("GET", `/snapshots?sourceId=${A.sourceId}&limit=200`, { key: A.keys.viewer });
    const page2 = await call("GET", `/snapshots?sourceId=${A.sourceId}&limit=1&cursor=${String(page1.json.nextCursor)}`, { key: A.keys.viewer });
    expect([(page1.json.items as { id: string }[])[0]?.id, (page2.json.items as { id: string }[])[0]?.id]).toEqual((bySource.json.items as { id: string }[]).slice(0, 2).map((s) => s.id));
    expect((await call("GET", `/snapshots?unitId=${B.units[0]?.id}`, { key: A.keys.viewer })).status).toBe(404);
  });

  it("GET /items browses a folder as of a time, and as of now", async () => {
    const unitId = A.units[0]?.id ?? "";
    const then = await call("GET", `/items?unitId=${unitId}&path=/Docs&asOf=${encodeURIComponent(new Date(T1.getTime() + 1000).toISOString())}`, { key: A.keys.viewer });
    expect(then.status).toBe(200);
    expect(then.json).toMatchObject({ mode: "browse", path: "/Docs" });
    expect((then.json.items as { name: string }[]).map((i) => i.name)).toEqual(["budget.xlsx", "quarterly report.txt"]);
    const root = await call("GET", `/items?unitId=${unitId}`, { key: A.keys.viewer });
    const entries = root.json.items as { name: string; itemDeletedAt: string | null }[];
    expect(entries.map((e) => e.name)).toEqual(["Docs"]);
    const rootThen = await call("GET", `/items?unitId=${unitId}&asOf=${encodeURIComponent(new Date(T1.getTime() + 1000).toISOString())}&limit=1`, { key: A.keys.viewer });
    expect((rootThen.json.items as { name: string }[]).map((e) => e.name)).toEqual(["Docs"]);
    const next = await call("GET", `/items?unitId=${unitId}&asOf=${encodeURIComponent(new Date(T1.getTime() + 1000).toISOString())}&limit=1&cursor=${String(rootThen.json.nextCursor)}`, { key: A.keys.viewer });
    expect((next.json.items as { name: string; itemDeletedAt: string | null }[]).map((e) => [e.name, e.itemDeletedAt !== null])).toEqual([["notes.txt", true]]);
    expect(next.json.nextCursor).toBeNull();
    const noUnit = await call("GET", "/items", { key: A.keys.viewer });
    expect(noUnit.status).toBe(400);
    expect(noUnit.json.error?.message).toContain("unitId");
    expect((await call("GET", `/items?unitId=${unitId}&asOf=yesterday`, { key: A.keys.viewer })).status).toBe(400);
  });

  it("GET /items?q= searches every version; deleted=true finds what was deleted; versions list an item's history", async () => {
    const found = await call("GET", `/items?sourceId=${A.sourceId}&q=quarterly`, { key: A.keys.viewer });
    expect(found.json.mode).toBe("search");
    const versions = found.json.items as { itemId: string; version: string }[];
    expect(versions.map((v) => v.version).sort()).toEqual(["1", "1", "2"]); // two backups of Alice's drive plus the progress run's
    const deleted = await call("GET", `/items?unitId=${A.units[0]?.id}&deleted=true`, { key: A.keys.viewer });
    expect((deleted.json.items as { name: string }[]).map((v) => v.name)).toEqual(["notes.txt"]);
    const itemId = versions.find((v) => v.version === "2")?.itemId ?? "";
    const history = await call("GET", `/items/${itemId}/versions`, { key: A.keys.viewer });
    expect((history.json.items as { version: string }[]).map((v) => v.version)).toEqual(["1", "2"]);
    expect((await call("GET", `/items/${itemId}/versions`, { key: B.keys.viewer })).status).toBe(404);
    expect((await call("GET", `/items?sourceId=${A.sourceId}&q=quarterly`, { key: B.keys.viewer })).status).toBe(404);
    expect((await call("GET", `/items?q=quarterly&asOf=${encodeURIComponent(T1.toISOString())}&unitId=${A.units[0]?.id}`, { key: A.keys.viewer })).status).toBe(400);
  });
});

describe("restores", () => {
  let restoreId: string;
  let itemId: string;

  it("POST /restores records the job and starts the restore workflow with its id (202)", async () => {
    const unitId = A.units[0]?.id ?? "";
    const found = await call("GET", `/items?unitId=${unitId}&q=budget`, { key: A.keys.viewer });
    itemId = (found.json.items as { itemId: string }[])[0]?.itemId ?? "";
    const res = await call("POST", "/restores", { key: A.keys.operator, body: { unitId, items: [itemId], paths: ["/Docs"], asOf: T2.toISOString(), target: { kind: "unit", unitId: A.units[1]?.id }, conflict: "copy" } });
    expect(res.status).toBe(202);
    restoreId = String(res.json.jobId);
    expect(await startedWorkflow(restoreWorkflowId(restoreId))).toEqual({ type: "restore", taskQueue, args: [{ tenantId: A.tenantId, restoreId }] });
    const restore = await call("GET", `/restores/${restoreId}`, { key: A.keys.viewer });
    expect(restore.json).toMatchObject({ id: restoreId, unitId, targetUnitId: A.units[1]?.id, conflict: "copy", status: "queued", asOf: T2.toISOString() });
    const job = await call("GET", `/jobs/${restoreId}`, { key: A.keys.viewer });
    expect(job.json).toMatchObject({ kind: "restore", status: "queued", progress: { itemsDone: 0, bytesDone: 0 }, unitId });
  });

  it("GET /restores/{id}/items pages through each item's outcome; failures and skips are the job's warnings", async () => {
    await recordRestoreOutcomes(A.worker, restoreId, [
      { vaultSnapshotId: "vs-1", vaultPath: "f/b", externalId: "b", path: "/Docs/budget.xlsx", outcome: "copied", newExternalId: "b-copy" },
      { vaultSnapshotId: "vs-2", vaultPath: "f/r", externalId: "r", path: "/Docs/quarterly report.txt", outcome: "failed", reason: "The target drive is full" },
      { vaultSnapshotId: "vs-1", vaultPath: "f/d", externalId: "d", path: "/Docs", outcome: "skipped" },
    ]);
    const first = await call("GET", `/restores/${restoreId}/items?limit=2`, { key: A.keys.viewer });
    expect(first.status).toBe(200);
    const second = await call("GET", `/restores/${restoreId}/items?limit=2&cursor=${String(first.json.nextCursor)}`, { key: A.keys.viewer });
    expect(second.json.nextCursor).toBeNull();
    const outcomes = [...(first.json.items as { path: string; outcome: string }[]), ...(second.json.items as { path: string; outcome: string }[])].map((i) => [i.path, i.outcome]);
    expect(outcomes).toEqual([
      ["/Docs", "skipped"],
      ["/Docs/budget.xlsx", "copied"],
      ["/Docs/quarterly report.txt", "failed"],
    ]);
    const job = await call("GET", `/jobs/${restoreId}`, { key: A.keys.viewer });
    expect(job.json).toMatchObject({ progress: { itemsDone: 3, bytesDone: 0 }, warningCount: 2 });
    expect(job.json.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "failed", message: "The target drive is full", itemRef: "r" }), expect.objectContaining({ code: "skipped", itemRef: "d" })]),
    );
  });

  it("refuses viewers, another tenant's items and units, and answers 503 (job failed) when Temporal is unreachable", async () => {
    const unitId = A.units[0]?.id ?? "";
    const body = { unitId, asOf: T2.toISOString(), conflict: "skip" };
    expect((await call("POST", "/restores", { key: A.keys.viewer, body })).status).toBe(403);
    expect((await call("POST", "/restores", { key: A.keys.operator, body: { ...body, items: [itemId] }, headers: {} })).status).toBe(202);
    expect((await call("POST", "/restores", { key: B.keys.operator, body: { ...body, unitId: B.units[0]?.id, items: [itemId] } })).status).toBe(404);
    expect((await call("POST", "/restores", { key: B.keys.operator, body })).status).toBe(404);
    expect((await call("POST", "/restores", { key: A.keys.operator, body: { ...body, target: { kind: "unit", unitId: B.units[0]?.id } } })).status).toBe(404);
    const missing = await call("POST", "/restores", { key: A.keys.operator, body: { unitId, conflict: "skip" } });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json)).toContain("asOf");

    const down = await call("POST", "/restores", { key: A.keys.operator, body, down: true });
    expect(down.status).toBe(503);
    const jobId = /job ([0-9a-f-]{36})/.exec(down.json.error?.message ?? "")?.[1] ?? "";
    expect((await call("GET", `/restores/${jobId}`, { key: A.keys.viewer })).json).toMatchObject({ status: "failed", summary: expect.stringContaining("could not be started") as string });
  }, 60_000);

  it("an export job is a job but not a restore", async () => {
    const unitId = A.units[0]?.id ?? "";
    const { rows } = await t.owner.pool.query<{ id: string }>(
      "insert into restore_jobs (tenant_id, source_id, unit_id, target_unit_id, selection, as_of, kind, format, copy_folder, status) values ($1, $2, $3, $3, '{}', now(), 'export', 'zip', 'x', 'queued') returning id",
      [A.tenantId, A.sourceId, unitId],
    );
    const exportId = rows[0]?.id ?? "";
    expect((await call("GET", `/restores/${exportId}`, { key: A.keys.viewer })).status).toBe(404);
    expect((await call("GET", `/restores/${exportId}/items`, { key: A.keys.viewer })).status).toBe(404);
    expect((await call("GET", `/jobs/${exportId}`, { key: A.keys.viewer })).json).toMatchObject({ kind: "export", status: "queued" });
    const restoresOnly = await call("GET", "/jobs?kind=restore&limit=200", { key: A.keys.viewer });
    expect((restoresOnly.json.items as { id: string }[]).map((i) => i.id)).not.toContain(exportId);
  });

  it("another tenant's ids answer 404 on every route", async () => {
    const key = B.keys.admin;
    const unitId = A.units[0]?.id ?? "";
    for (const [method, path, body] of [
      ["GET", `/jobs/${firstRunId}`],
      ["GET", `/jobs/${restoreId}`],
      ["GET", `/jobs?sourceId=${A.sourceId}`],
      ["GET", `/snapshots?sourceId=${A.sourceId}`],
      ["GET", `/snapshots?unitId=${unitId}`],
      ["GET", `/items?unitId=${unitId}`],
      ["GET", `/items?unitId=${unitId}&q=report`],
      ["GET", `/items/${itemId}/versions`],
      ["GET", `/restores/${restoreId}`],
      ["GET", `/restores/${restoreId}/items`],
      ["POST", `/sources/${A.sourceId}/backups`, {}],
      ["POST", "/restores", { unitId, asOf: T2.toISOString() }],
    ] as const) {
      const res = await call(method, path, { key, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});
