// Where the e2e run's own web server listens, and the file through which it tells the specs
// which database it created (the CLI specs bootstrap tenants in that same database) and where
// its sandbox listens. The file is per port, so two runs on different ports never mix.
import { fileURLToPath } from "node:url";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const E2E_STATE_FILE = fileURLToPath(new URL(`../../../.data/e2e/state-${E2E_PORT}.json`, import.meta.url));

export interface E2eState {
  databaseUrl: string;
  migrationUrl: string;
  kek: string;
  /** apps/sandbox, a process of the run: plain HTTP (control API, Google); HTTPS for Graph. */
  sandboxUrl: string;
  sandboxHttpsUrl: string;
  /** The Temporal task queue this run's web and worker share. */
  taskQueue: string;
}
