// Where the e2e run's own web server listens, and the file through which it tells the specs
// which database it created (the CLI specs bootstrap tenants in that same database).
import { fileURLToPath } from "node:url";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const E2E_STATE_FILE = fileURLToPath(new URL("../../../.data/e2e/state.json", import.meta.url));

export interface E2eState {
  databaseUrl: string;
  migrationUrl: string;
  kek: string;
}
