// Playwright's webServer: a fresh database of its own on the real Postgres, migrated, then the
// production build of the console (`next start`) pointed at it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { appUrlFor, runMigrations } from "@holdfast/db/migrate";
import pg from "pg";
import { E2E_PORT, E2E_STATE_FILE, REPO_ROOT, type E2eState } from "./env";

const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `hf_e2e_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
await admin.end();
const owner = new URL(server);
owner.pathname = `/${name}`;
await runMigrations(owner.toString());

const state: E2eState = { databaseUrl: appUrlFor(owner.toString()), migrationUrl: owner.toString(), kek: randomBytes(32).toString("base64") };
mkdirSync(dirname(E2E_STATE_FILE), { recursive: true });
writeFileSync(E2E_STATE_FILE, JSON.stringify(state));

const webDir = join(REPO_ROOT, "apps/web");
if (!existsSync(join(webDir, ".next/BUILD_ID"))) {
  throw new Error("apps/web has no production build: run `pnpm --filter @holdfast/web build` first (pnpm test does)");
}
// The console's own logs go to a file beside the Playwright report; its errors stay on stderr.
const logFile = join(REPO_ROOT, "artifacts/e2e/web.log");
mkdirSync(dirname(logFile), { recursive: true });
const log = createWriteStream(logFile);
console.log(`e2e console: database ${name}, logs in ${logFile}`);
const child = spawn("pnpm", ["exec", "next", "start", "--port", String(E2E_PORT), "--hostname", "127.0.0.1"], {
  cwd: webDir,
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: state.databaseUrl,
    HOLDFAST_KEK: state.kek,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  },
});
child.stdout.pipe(log);
const stop = () => child.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The run's database goes with the server, so repeated runs leave nothing behind.
child.on("exit", (code) => {
  const c = new pg.Client({ connectionString: server });
  void c
    .connect()
    .then(() => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    .finally(() => c.end())
    .finally(() => process.exit(code ?? 0));
});
