// The worker against a database of its own and a local Temporal dev server: in-process through
// startWorker, and as the real process (prebuilt bundle, SIGTERM, fail-fast start-up errors).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { appendAuditEvent, organizations, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { startVerifyAuditChain } from "@holdfast/workflows";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal } from "../test/temporal";
import { startWorker } from "./main";
import { WORKFLOW_BUNDLE_PATH, workflowsEntryPath } from "./workflow-source";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const tenantId = randomUUID();

let t: TestDatabase;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("worker"), createTestTemporal()]);
  await withTenant(t.app.db, tenantId, async (tx) => {
    await tx.insert(organizations).values({ id: tenantId, name: "worker test org" });
    for (let i = 0; i < 12; i++) await appendAuditEvent(tx, { tenantId, actorType: "system", action: "test.event", metadata: { i } });
  });
});

afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

async function health(port: number): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe("startWorker (in-process)", () => {
  it("serves health while running, runs workflows with real activities, and shuts down cleanly", async () => {
    const taskQueue = `worker-${randomUUID()}`;
    const running = await startWorker({
      db: t.worker.db,
      connection: env.nativeConnection,
      namespace: env.namespace ?? "default",
      taskQueue,
      healthPort: 0,
      workflows: { workflowsPath: workflowsEntryPath() },
    });
    try {
      expect(await health(running.healthPort)).toEqual({ status: 200, body: { status: "ok", worker: "RUNNING" } });
      const handle = await startVerifyAuditChain(env.client, { tenantId, pageSize: 5 }, { taskQueue });
      expect(await handle.result()).toEqual({ tenantId, checked: 12, lastSeq: 12, ok: true });
    } finally {
      running.shutdown();
      running.shutdown(); // a second signal must not throw
    }
    await expect(running.done).resolves.toBeUndefined();
    expect(running.state()).toBe("STOPPED");
    expect(await health(running.healthPort)).toBeUndefined();
  });
});

/** Run src/main.ts as its own process with the given environment (the worker's database URL only if given). */
function spawnMain(extraEnv: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "WORKER_DATABASE_URL"));
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: APP_DIR,
    env: { ...inherited, LOG_PRETTY: "0", LOG_LEVEL: "info", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, child: ChildProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before ${what}`);
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("the worker process", () => {
  it("with the prebuilt production bundle: healthy while running, exits 0 on SIGTERM", async () => {
    await promisify(execFile)(process.execPath, ["--import", "tsx", "src/build-workflow-bundle.ts"], { cwd: APP_DIR, env: { ...process.env, LOG_LEVEL: "warn" } });
    expect(existsSync(WORKFLOW_BUNDLE_PATH)).toBe(true);
    const healthPort = await freePort();
    const taskQueue = `worker-proc-${randomUUID()}`;
    const proc = spawnMain({
      NODE_ENV: "production",
      DATABASE_URL: t.appUrl,
      WORKER_DATABASE_URL: t.workerUrl,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? "default",
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_HEALTH_PORT: String(healthPort),
    });
    try {
      const ok = await waitFor("a healthy worker", async () => ((await health(healthPort))?.status === 200 ? true : undefined), 60_000, proc.child);
      expect(ok).toBe(true);
      const handle = await startVerifyAuditChain(env.client, { tenantId }, { taskQueue });
      expect(await handle.result()).toMatchObject({ ok: true, checked: 12 });
      proc.child.kill("SIGTERM");
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    }
    const out = proc.output();
    expect(out).toContain("shutdown requested");
    expect(out).not.toContain("Workflow bundle created"); // loaded the prebuilt bundle, did not bundle at start
    expect(out).toContain("worker stopped");
    expect(out).not.toContain(t.appUrl);
    expect(out).not.toContain(t.workerUrl);
    expect(await health(healthPort)).toBeUndefined();
  });

  it("fails fast, naming WORKER_DATABASE_URL, when the database is unreachable", async () => {
    const proc = spawnMain({
      DATABASE_URL: "postgres://nobody:hunter2@127.0.0.1:1/none",
      WORKER_DATABASE_URL: "postgres://holdfast_worker:hunter3@127.0.0.1:1/none",
      TEMPORAL_ADDRESS: env.address,
      WORKER_HEALTH_PORT: "0",
    });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain("Cannot reach the database as the worker role (WORKER_DATABASE_URL");
    expect(proc.output()).not.toContain("hunter2");
    expect(proc.output()).not.toContain("hunter3");
  });

  it("fails fast, naming WORKER_DATABASE_URL, when it is unset and DATABASE_URL has a password", async () => {
    const proc = spawnMain({ DATABASE_URL: "postgres://holdfast_app:hunter2@127.0.0.1:5432/none", TEMPORAL_ADDRESS: env.address, WORKER_HEALTH_PORT: "0" });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain("worker database: WORKER_DATABASE_URL is required");
    expect(proc.output()).not.toContain("hunter2");
  });

  it("fails fast, naming TEMPORAL_ADDRESS, when Temporal is unreachable", async () => {
    const proc = spawnMain({ DATABASE_URL: t.appUrl, WORKER_DATABASE_URL: t.workerUrl, TEMPORAL_ADDRESS: "127.0.0.1:1", WORKER_HEALTH_PORT: "0" });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain("Cannot reach Temporal at TEMPORAL_ADDRESS");
  });
});
