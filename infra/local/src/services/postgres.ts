// Private Postgres cluster under .data/pg, run from Debian's server binaries (ADR 0001 explains
// why not PGlite). Trust auth on 127.0.0.1 only; no Unix socket, so it never collides with the
// system cluster's socket directory.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_DATABASE, HOST, PORTS } from "../defaults.js";
import { canConnect } from "../pg-admin.js";
import { dataDir } from "../paths.js";
import type { LocalService } from "./types.js";

export const pgDataDir = join(dataDir, "pg");
export const PRIVATE_PG_URL = `postgres://postgres@${HOST}:${PORTS.postgres}/postgres`;

/** Highest installed major, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string | undefined {
  let majors: number[];
  try {
    majors = readdirSync("/usr/lib/postgresql").map(Number).filter((n) => Number.isInteger(n));
  } catch {
    return undefined;
  }
  const found = majors.sort((a, b) => b - a).map((m) => `/usr/lib/postgresql/${m}/bin`).find((d) => existsSync(join(d, "postgres")));
  return found;
}

function requireBinDir(): string {
  const dir = postgresBinDir();
  if (!dir) throw new Error("Postgres server binaries not found in /usr/lib/postgresql/*/bin. Run `bash infra/local/setup.sh` (installs Debian's postgresql) or set DATABASE_URL.");
  return dir;
}

/** Postgres refuses to run as root, so as root we hand the cluster to the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error("Running as root needs a `postgres` system user to own the private cluster (Debian's postgresql package creates it).");
  }
}

async function prepare(): Promise<void> {
  const bin = requireBinDir();
  const major = bin.split("/").at(-2);
  const versionFile = join(pgDataDir, "PG_VERSION");
  if (existsSync(versionFile)) {
    const have = readFileSync(versionFile, "utf8").trim();
    if (have !== major) throw new Error(`.data/pg was created by Postgres ${have} but ${bin} is ${major}: run \`pnpm stack down && rm -rf .data/pg\` to recreate it.`);
    return;
  }
  const user = runAs();
  mkdirSync(pgDataDir, { recursive: true });
  chmodSync(pgDataDir, 0o700);
  if (user.uid !== undefined && user.gid !== undefined) chownSync(pgDataDir, user.uid, user.gid);
  const args = ["-D", pgDataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions"];
  try {
    await promisify(execFile)(join(bin, "initdb"), args, user);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? err);
    throw new Error(`initdb failed: ${stderr}`);
  }
}

export const postgres: LocalService = {
  name: "postgres",
  address: `postgres://postgres@${HOST}:${PORTS.postgres}/${DEV_DATABASE}`,
  healthy: () => canConnect(PRIVATE_PG_URL),
  prepare,
  launch: () => ({
    name: "postgres",
    command: join(requireBinDir(), "postgres"),
    args: ["-D", pgDataDir, "-p", String(PORTS.postgres), "-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
    ...runAs(),
    // SIGINT is Postgres's "fast" shutdown; SIGTERM would wait for every client to disconnect.
    stopSignal: "SIGINT",
  }),
  startTimeoutMs: 60_000,
};
