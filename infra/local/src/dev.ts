// pnpm dev: the stack (reused or started in the foreground), migrations, then the apps with
// prefixed logs. Ctrl-C / SIGTERM stops everything this process started, apps first.
import type { ChildProcess } from "node:child_process";
import { appEnv } from "./app-env.js";
import { exitCode, hasScript, spawnPrefixed } from "./children.js";
import { APP_ROLE, PORTS } from "./defaults.js";
import { stackEnv } from "./env.js";
import { tcpOpen, waitUntil } from "./health.js";
import { bold, say, setColour, warn } from "./log.js";
import { ensureAppRole, withUser } from "./pg-admin.js";
import { stopPid } from "./proc.js";
import { ensureStack, type Stack } from "./stack.js";

interface App {
  name: string;
  filter: string;
  dir: string;
}

const APPS: App[] = [
  { name: "web", filter: "@holdfast/web", dir: "apps/web" },
  { name: "worker", filter: "@holdfast/worker", dir: "apps/worker" },
  // The provider emulators, on PORTS.sandbox; appEnv() gives everyone SANDBOX_URL.
  { name: "sandbox", filter: "@holdfast/sandbox", dir: "apps/sandbox" },
];

const running = new Map<string, ChildProcess>();
let stack: Stack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (stopping) {
    // Second Ctrl-C: no more waiting.
    for (const child of running.values()) {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    process.exit(130);
  }
  stopping = true;
  say("stack", "stopping…");
  await Promise.all([...running.values()].map((c) => (c.pid ? stopPid(c.pid, "SIGTERM", 10_000, true) : Promise.resolve())));
  await stack?.stop();
  say("stack", "stopped");
  process.exit(code);
}

async function migrate(env: Record<string, string>): Promise<void> {
  if (!hasScript("packages/db", "db:migrate")) {
    warn("migrate", "packages/db has no db:migrate script yet; skipping migrations");
    return;
  }
  const code = await exitCode(spawnPrefixed({ name: "migrate", args: ["--filter", "@holdfast/db", "db:migrate"], env }));
  if (code !== 0) throw new Error(`migrations failed (exit ${code})`);
}

function startApps(env: Record<string, string>): void {
  for (const app of APPS) {
    if (!hasScript(app.dir, "dev")) {
      warn(app.name, `${app.dir} has no dev script yet; not started`);
      continue;
    }
    const child = spawnPrefixed({ name: app.name, args: ["--filter", app.filter, "dev"], env, detached: true });
    running.set(app.name, child);
    void exitCode(child).then((code) => {
      running.delete(app.name);
      if (!stopping) warn(app.name, `exited with code ${code}; the rest keeps running (Ctrl-C to stop)`);
    });
  }
}

function banner(s: Stack, ownerUrl: string): void {
  const line = "─".repeat(64);
  const rows: [string, string][] = [
    ["Console", `http://localhost:${PORTS.web}`],
    ["Postgres (app)", withUser(ownerUrl, APP_ROLE)],
    ["Postgres (owner)", ownerUrl],
    ["Temporal", `${s.temporalAddress}${stackEnv().TEMPORAL_ADDRESS ? "" : `   UI http://localhost:${PORTS.temporalUi}`}`],
    ["S3 vault", s.s3Endpoint],
    ["Stripe", s.stripeApiBase],
    ["Mail", s.mailApiUrl ? `${s.smtpUrl}   (inbox ${s.mailApiUrl})` : s.smtpUrl],
    ["Sandbox", `http://localhost:${PORTS.sandbox}   (Google: /google/…, control: /_control/…)`],
    ["Logs", ".data/logs/"],
  ];
  console.log(`\n${line}\n ${bold("Holdfast is running")}`);
  for (const [k, v] of rows) console.log(`   ${k.padEnd(17)} ${v}`);
  console.log(` Ctrl-C stops everything started here.\n${line}\n`);
}

async function main(): Promise<void> {
  setColour(process.stdout.isTTY && !stackEnv().NO_COLOR);
  process.on("SIGINT", () => void shutdown(130));
  process.on("SIGTERM", () => void shutdown(143));

  stack = await ensureStack({
    foreground: true,
    onLog: (name, line) => say(name, line),
    onExit: (name, detail) => warn(name, `${detail}; restart pnpm dev to bring it back`),
  });
  const ownerUrl = stack.databaseUrl;
  await ensureAppRole(ownerUrl).catch((err: Error) => {
    // An external server may not let us create roles; its owner then provisions holdfast_app.
    if (!stackEnv().DATABASE_URL) throw err;
    warn("stack", `could not ensure role ${APP_ROLE} on DATABASE_URL (${err.message}); continuing`);
  });
  const env = { ...appEnv(stack, ownerUrl), ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) };
  await migrate(env);
  if (stopping) return;
  startApps(env);
  if (running.has("web")) {
    await waitUntil(() => tcpOpen("127.0.0.1", PORTS.web), { label: "web", timeoutMs: 120_000, intervalMs: 500, gaveUp: () => (running.has("web") ? undefined : "it exited") }).catch(
      (err: Error) => warn("web", err.message),
    );
  }
  if (!stopping) banner(stack, ownerUrl);
}

main().catch(async (err: unknown) => {
  warn("stack", err instanceof Error ? err.message : String(err));
  await shutdown(1);
});
