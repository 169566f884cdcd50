// Playwright's webServer: a fresh database of its own on the real Postgres, migrated; then the
// run's processes, all on that database and KEK: apps/sandbox (the emulated providers, HTTP on a
// free port and HTTPS on the next), apps/worker (the Temporal worker, on a task queue of this run
// only, so a stale run's worker never takes our jobs) and the production build of the console
// (`next start`). Logs go to artifacts/e2e/{web,worker,sandbox}.log. When any of them exits, or
// this process is told to stop, the others are stopped and the database is dropped.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { appUrlFor, runMigrations } from "@holdfast/db/migrate";
import pg from "pg";
import { E2E_PORT, E2E_STATE_FILE, REPO_ROOT, type E2eState } from "./env";

const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const webDir = join(REPO_ROOT, "apps/web");
const workerDir = join(REPO_ROOT, "apps/worker");
const sandboxDir = join(REPO_ROOT, "apps/sandbox");
if (!existsSync(join(webDir, ".next/BUILD_ID"))) {
  throw new Error("apps/web has no production build: run `pnpm --filter @holdfast/web build` first (pnpm test does)");
}
if (!existsSync(join(workerDir, "dist/workflow-bundle.js"))) {
  throw new Error("apps/worker has no workflow bundle: run `pnpm --filter @holdfast/worker build` first (pnpm test does)");
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A free port whose successor is free too (the sandbox serves HTTPS on port + 1). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await listens(port)) && (await listens(port + 1))) return port;
  }
  throw new Error("no two free consecutive ports for the sandbox");
}

const name = `hf_e2e_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
await admin.end();
const owner = new URL(server);
owner.pathname = `/${name}`;
await runMigrations(owner.toString());
// The test environment's one concession on guarded requests (docs/adr/0020-guarded-requests.md):
// the platform's floor under the cooling-off delay is lowered in this database only (as its owner,
// which no Holdfast process is), so a spec can set an organisation's delay to seconds and watch a
// request run on the real worker's durable timer.
{
  const c = new pg.Client({ connectionString: owner.toString() });
  await c.connect();
  await c.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  await c.end();
}

const sandboxPort = await freePortPair();
const workerHealthPort = await freePortPair();
const state: E2eState = {
  databaseUrl: appUrlFor(owner.toString()),
  migrationUrl: owner.toString(),
  kek: randomBytes(32).toString("base64"),
  sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
  sandboxHttpsUrl: `https://127.0.0.1:${sandboxPort + 1}`,
  taskQueue: `e2e-${name}`,
};
mkdirSync(dirname(E2E_STATE_FILE), { recursive: true });
writeFileSync(E2E_STATE_FILE, JSON.stringify(state));

const logDir = join(REPO_ROOT, "artifacts/e2e");
mkdirSync(logDir, { recursive: true });
console.log(`e2e: database ${name}, task queue ${state.taskQueue}, sandbox ${state.sandboxUrl}, logs in ${logDir}`);

// What every process of the run shares: the database, the KEK, the providers (the sandbox) and
// the Temporal task queue. The stack's Temporal and versitygw come from the caller's environment
// (pnpm test sets TEMPORAL_ADDRESS, VAULT_S3_* and SMTP_URL), defaulting to the local stack's
// addresses; mail goes to the stack's sink, whose inbox the specs read (ADR 0019).
const shared: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: state.databaseUrl,
  HOLDFAST_KEK: state.kek,
  HOLDFAST_PROVIDERS: "sandbox",
  SANDBOX_HOST: "127.0.0.1",
  SANDBOX_PORT: String(sandboxPort),
  SANDBOX_URL: state.sandboxUrl,
  TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? "127.0.0.1:7233",
  SMTP_URL: process.env.SMTP_URL ?? "smtp://127.0.0.1:1025",
  TEMPORAL_TASK_QUEUE: state.taskQueue,
  // The specs' webhook receivers listen on 127.0.0.1 over http.
  WEBHOOK_ALLOW_HTTP: "1",
  WEBHOOK_ALLOW_PRIVATE: "1",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  LOG_PRETTY: "0",
};

const children: { label: string; child: ChildProcess }[] = [];
let stopping = false;

function start(label: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, stderrToConsole = false): ChildProcess {
  const log = createWriteStream(join(logDir, `${label}.log`));
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (stderrToConsole) child.stderr?.pipe(process.stderr);
  children.push({ label, child });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`e2e: ${label} exited (${signal ?? code}) — stopping the run; see artifacts/e2e/${label}.log`);
      void stopAll(1);
    }
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  // The worker drains its in-flight tasks; past 15 s whatever is left is killed.
  const kill = setTimeout(() => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 15_000);
  await Promise.all(children.map(({ child }) => exited(child)));
  clearTimeout(kill);
  // The run's database goes with the server, so repeated runs leave nothing behind.
  const c = new pg.Client({ connectionString: server });
  try {
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch (err) {
    console.error(`e2e: could not drop ${name}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await c.end().catch(() => undefined);
  }
  process.exit(code);
}
process.on("SIGTERM", () => void stopAll(0));
process.on("SIGINT", () => void stopAll(0));

async function waitFor(label: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(`e2e: ${label} not ready at ${url} after ${timeoutMs / 1000} s; see artifacts/e2e/${label}.log`);
  await stopAll(1);
}

// tsx's bin execs node, and tsx relays SIGTERM to the script: the signal reaches the process.
const tsx = (dir: string) => join(dir, "node_modules/.bin/tsx");
start("sandbox", tsx(sandboxDir), ["src/main.ts"], sandboxDir, shared, true);
await waitFor("sandbox", `${state.sandboxUrl}/_control/health`, 120_000);

// Holdfast's Microsoft app registration, as an operator makes it for production: application
// permissions for discovery (sites), backup and restore of every unit kind. (The sandbox's
// built-in development client is granted mail, files and users only, which discovery outgrows.)
// It also signs people in ("Sign in with Microsoft", next-auth's callback).
const callbacks = ["127.0.0.1", "localhost"].flatMap((h) => [`http://${h}:${E2E_PORT}/api/v1/sources/consent/callback`, `http://${h}:${E2E_PORT}/api/auth/callback/microsoft`]);
const registered = await fetch(`${state.sandboxUrl}/_control/oauth-clients`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ provider: "microsoft", name: "Holdfast (e2e)", redirectUris: callbacks, appRoles: ["User.Read.All", "Mail.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Calendars.ReadWrite", "Contacts.ReadWrite"] }),
});
if (!registered.ok) throw new Error(`registering the Microsoft app with the sandbox: ${registered.status} ${await registered.text()}`);
const msApp = (await registered.json()) as { clientId: string; clientSecret: string };
const apps: NodeJS.ProcessEnv = { ...shared, HOLDFAST_MICROSOFT_CLIENT_ID: msApp.clientId, HOLDFAST_MICROSOFT_CLIENT_SECRET: msApp.clientSecret };

start("worker", tsx(workerDir), ["src/main.ts"], workerDir, { ...apps, GUARD_DATABASE_URL: appUrlFor(owner.toString(), "holdfast_guard"), WORKER_DATABASE_URL: appUrlFor(owner.toString(), "holdfast_worker"), WORKER_HEALTH_PORT: String(workerHealthPort) }, true);
// The console starts last, so Playwright's readiness check (the console answering) means the
// sandbox serves and the worker polls the run's task queue.
await waitFor("worker", `http://127.0.0.1:${workerHealthPort}/health`, 180_000);
if (!stopping) {
  start("web", "pnpm", ["exec", "next", "start", "--port", String(E2E_PORT), "--hostname", "127.0.0.1"], webDir, {
    ...apps,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
  }, true);
}
