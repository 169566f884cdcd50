// Reliability drill: the worker process is SIGKILLed at random points of a large backup, several
// times, and restarted each time; the run must still end `completed` with every item present
// exactly once — in the catalogue, in the vault, and byte for byte as the provider has it.
//
// The worker runs as its own OS process with the production workflow bundle (as deployed), so the
// kill is real: no shutdown hook, no drain, open transactions and uploads cut mid-flight. The
// sandbox (Google only: the drill needs no Graph HTTPS listener) runs in this process. The run
// uses small segments (≤ 100 listed items: one Gmail page) so each mailbox spans several
// committed checkpoints and kills land inside segments. The kill points are drawn from a seeded
// RNG (printed; DRILL_SEED replays them). DRILL_NATURAL_TIMEOUTS=1 waits for Temporal's own
// heartbeat / start-to-close timeouts instead of cutting the dead attempts (several minutes).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createSandbox, type Sandbox } from "@holdfast/sandbox";
import { listUnits, systemContext } from "@holdfast/services";
import { openTenantVault } from "@holdfast/services/vaults";
import { backupWorkflowIds, type BackupSourceResult } from "@holdfast/workflows/contracts";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cataloguedCount, controlClient, drillSeed, excludeUnitKinds, expectEveryItemOnce, failOrphanedAttempts, googleSource, googleTruth, seededRng, type Control, type GoogleManifest, type GoogleSource } from "../test/drill";
import { createTestTemporal } from "../test/temporal";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const KILLS = 3;
const NATURAL_TIMEOUTS = process.env.DRILL_NATURAL_TIMEOUTS === "1";

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let sandbox: Sandbox;
let url: string;
let control: Control;
let src: GoogleSource;
const taskQueue = `kill-drill-${randomUUID()}`;
const workers: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** The worker as deployed: src/main.ts in its own process, production bundle, sandbox providers. */
async function startWorkerProcess(): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_PRETTY: "0",
      LOG_LEVEL: process.env.DRILL_WORKER_LOG ? "info" : "warn",
      DATABASE_URL: t.appUrl,
      WORKER_DATABASE_URL: t.workerUrl,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? "default",
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_HEALTH_PORT: String(await freePort()),
      HOLDFAST_PROVIDERS: "sandbox",
      SANDBOX_URL: url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  workers.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  // DRILL_WORKER_LOG=<file>: keep the workers' logs (info level) for a post-mortem.
  const logTo = process.env.DRILL_WORKER_LOG;
  if (logTo) child.stdout?.on("data", (d: Buffer) => appendFileSync(logTo, d));
  return { child, exited, output: () => output };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const build = promisify(execFile)(process.execPath, ["--import", "tsx", "src/build-workflow-bundle.ts"], { cwd: APP_DIR, env: { ...process.env, LOG_LEVEL: "warn" } });
  [t, env] = await Promise.all([createTestDatabase("killdrill"), createTestTemporal(), build]);
  sandbox = await createSandbox({ https: false });
  url = await sandbox.listen({ port: 0 });
  control = controlClient(url);
  // 3 mailboxes × 360 messages (4 segments each), My Drives of 40 files (binaries of 2–4 MiB
  // among them), the shared drive and calendars. Contacts are excluded: People's quota (90
  // requests per user per minute) makes a 100-contact unit a 70 s single segment that every kill
  // restarts — the drill's time would go to waiting on a quota, not to killing.
  src = await googleSource(t, control, { seed: 4242, users: 3, itemsPerUser: 360, driveFilesPerUser: 40, eventsPerUser: 20 });
  expect(await excludeUnitKinds(t, src, url, ["contacts"])).toBe(3);
}, 240_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
  await sandbox?.close();
  await env?.teardown();
  await t?.drop();
});

describe("kill drill", () => {
  it(`SIGKILL the worker ${KILLS} times at random points of a large backup: the run completes with every item exactly once`, async () => {
    const seed = drillSeed("kill-drill");
    const rng = seededRng(seed);
    const manifest = await control<GoogleManifest>("GET", `/_control/tenants/${src.sandboxTenant.id}/manifest`);
    const messages = manifest.units.reduce((n, u) => n + u.items.length, 0);
    // Kill after this many versions are catalogued (they land a segment at a time), then a random
    // 0–2.5 s later, so the kill falls anywhere inside the segments then running.
    const points = Array.from({ length: KILLS }, () => Math.round(messages * (0.05 + rng() * 0.35))).sort((a, b) => a - b);
    const delays = points.map(() => Math.round(rng() * 2500));
    console.log(`[kill-drill] ${messages} messages; kill after ${points.join(", ")} catalogued versions, + ${delays.join(", ")} ms`);

    const t0 = Date.now();
    const elapsed = () => `+${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const workflowId = backupWorkflowIds.backupSource(src.sourceId, "kill-drill");
    let worker = await startWorkerProcess();
    const handle = await env.client.workflow.start("backupSource", {
      taskQueue,
      workflowId,
      args: [{ tenantId: src.tenantId, sourceId: src.sourceId, trigger: "on_demand", segmentBudget: { maxItems: 100, maxMs: 60_000 }, concurrency: 16 }],
    });
    let finished = false;
    const result = handle.result().then((r) => {
      finished = true;
      return r as BackupSourceResult;
    });

    const kills: { at: number; catalogued: number; cut: string[] }[] = [];
    for (const [i, point] of points.entries()) {
      // Each worker gets to commit something before it is killed: progress must be made.
      const atStart = await cataloguedCount(t, src.sourceId);
      for (;;) {
        if (finished) throw new Error(`the run finished before kill ${i + 1} (at ${point} catalogued versions): make the drill's tenant larger`);
        if (worker.child.exitCode !== null) throw new Error(`the worker exited by itself (${worker.child.exitCode}):\n${worker.output()}`);
        const n = await cataloguedCount(t, src.sourceId);
        if (n >= point && n > atStart) break;
        await sleep(100);
      }
      await sleep(delays[i] ?? 0);
      if (finished) throw new Error(`the run finished before kill ${i + 1}: make the drill's tenant larger`);
      worker.child.kill("SIGKILL");
      expect((await worker.exited).signal).toBe("SIGKILL");
      const catalogued = await cataloguedCount(t, src.sourceId);
      const cut = NATURAL_TIMEOUTS ? [] : await failOrphanedAttempts(env.client, workflowId);
      kills.push({ at: point, catalogued, cut: cut.map((c) => c.activityType) });
      console.log(`[kill-drill] ${elapsed()} kill ${i + 1}: ${catalogued} versions catalogued; attempts cut: ${cut.map((c) => c.activityType).join(", ") || "none"}`);
      worker = await startWorkerProcess();
    }

    const outcome = await result;
    console.log(`[kill-drill] ${elapsed()} run finished: ${outcome.status}`);
    worker.child.kill("SIGTERM");
    await worker.exited;
    expect(kills).toHaveLength(KILLS);
    if (!NATURAL_TIMEOUTS) {
      // At least one kill landed inside a segment (an attempt was running and had to be redone).
      expect(kills.flatMap((k) => k.cut).filter((a) => a === "backupUnitSegment").length).toBeGreaterThan(0);
    }
    expect(outcome).toMatchObject({ status: "completed", failedUnits: 0 });
    // "Large": every mailbox took several committed segments (360 messages, ≤ 100 per segment).
    const mailboxes = (await listUnits(src.owner, src.sourceId)).filter((u) => u.kind === "gmail");
    const vault = await openTenantVault(systemContext(t.app.db, src.tenantId, "drill-check"), "reader");
    try {
      const snapshots = await vault.listSnapshots();
      for (const m of mailboxes) expect(snapshots.filter((s) => s.unit === m.id).length, `segments of ${m.ownerEmail}`).toBeGreaterThanOrEqual(4);
    } finally {
      await vault.close();
    }
    const report = await expectEveryItemOnce(t, src, outcome.runId, googleTruth(manifest));
    console.log(`[kill-drill] ${elapsed()} checked ${report.units} units, ${report.items} items (${report.bytesChecked} read back byte for byte), ${report.vaultSnapshots} vault snapshots`);
    expect(report.items).toBeGreaterThan(messages);
  }, 300_000);
});
