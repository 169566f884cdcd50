// Small superuser chores on a Postgres server: probe, create the dev database, ensure the app role.
import pg from "pg";
import { APP_ROLE } from "./defaults.js";

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // A server shutting down can emit 'error' after connect; without a listener that would crash us.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function canConnect(url: string): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query("SELECT 1"));
    return true;
  } catch {
    return false;
  }
}

export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = "";
  return u.toString();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Two processes may race here (dev + test); losing the race is fine. */
const alreadyExists = (err: unknown) => ["42P04", "42710", "23505"].includes((err as { code?: string }).code ?? "");

export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (c) => {
    const found = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return;
    await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`).catch((err: unknown) => {
      if (!alreadyExists(err)) throw err;
    });
  });
}

/**
 * The application connects as holdfast_app so row-level security applies to it (a superuser or
 * BYPASSRLS role would skip every policy). Trust auth locally, hence no password.
 */
export async function ensureAppRole(url: string): Promise<void> {
  await withClient(url, async (c) => {
    const role = c.escapeIdentifier(APP_ROLE);
    const found = await c.query<{ rolcanlogin: boolean }>("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    if (!found.rowCount) {
      await c.query(`CREATE ROLE ${role} LOGIN NOBYPASSRLS`).catch((err: unknown) => {
        if (!alreadyExists(err)) throw err;
      });
    } else if (!found.rows[0]?.rolcanlogin) {
      await c.query(`ALTER ROLE ${role} LOGIN`);
    }
  });
}
