// Fixed local ports, so every tool, doc and test agrees without discovery.
export const PORTS = {
  postgres: 5433, // private dev cluster under .data/pg
  systemPostgres: 5432, // Debian's cluster, used by `pnpm test`
  temporal: 7233,
  temporalUi: 8233,
  vault: 7070,
  stripe: 12111,
  smtp: 1025, // mailpit's SMTP sink (its usual port)
  mailApi: 8025, // mailpit's web UI and JSON API
  web: 3000,
  sandbox: 4010, // apps/sandbox: provider emulators
} as const;

export const HOST = "127.0.0.1";

/** Dev-only root credentials of the local versitygw; never used outside this machine. */
export const VAULT_ROOT = { accessKeyId: "holdfast-root", secretAccessKey: "holdfast-root-secret" } as const;
export const VAULT_REGION = "us-east-1";

export const DEV_DATABASE = "holdfast";
export const APP_ROLE = "holdfast_app";
/** The worker's guard role (docs/adr/0020-guarded-requests.md); created by the migrations like the app role. */
export const GUARD_ROLE = "holdfast_guard";
/** The worker's own role (docs/adr/0024-worker-database-role.md): it alone writes the catalogue's history. */
export const WORKER_ROLE = "holdfast_worker";
