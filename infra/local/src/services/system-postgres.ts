// `pnpm test` runs against Debian's own cluster on 5432 (as CI does); start it if it is down.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { HOST, PORTS } from "../defaults.js";
import { waitUntil } from "../health.js";
import { canConnect } from "../pg-admin.js";

export const SYSTEM_PG_URL = `postgres://postgres@${HOST}:${PORTS.systemPostgres}/postgres`;

/** The superuser URL when the system cluster answers (after starting it), else undefined. */
export async function ensureSystemPostgres(): Promise<string | undefined> {
  if (await canConnect(SYSTEM_PG_URL)) return SYSTEM_PG_URL;
  let versions: string[] = [];
  try {
    versions = readdirSync("/etc/postgresql").filter((v) => existsSync(`/etc/postgresql/${v}/main`));
  } catch {
    return undefined;
  }
  for (const version of versions) {
    try {
      execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "pipe" });
    } catch {
      // already running, or it cannot start: the probe below decides
    }
  }
  try {
    await waitUntil(() => canConnect(SYSTEM_PG_URL), { label: "system postgres", timeoutMs: 20_000, intervalMs: 500 });
    return SYSTEM_PG_URL;
  } catch {
    return undefined;
  }
}
