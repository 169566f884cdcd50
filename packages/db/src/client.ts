import { dbConfig } from "@holdfast/config";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema/index";

export type Database = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything that can run a query: the pool-backed database or a transaction. */
export type Queryable = Database | Tx;

export interface DbHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TenantContextError extends Error {
  override name = "TenantContextError";
}

/** Connect with an explicit URL, or with DATABASE_URL from the environment. */
export function createDb(opts: { url?: string; poolMax?: number; applicationName?: string } = {}): DbHandle {
  const cfg = opts.url ? { url: opts.url, poolMax: opts.poolMax ?? 10 } : dbConfig();
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: opts.poolMax ?? cfg.poolMax,
    application_name: opts.applicationName ?? "holdfast",
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on("error", () => undefined);
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}

/** Fail fast at start-up with a message that names the problem (unreachable server, bad URL). */
export async function checkConnection(handle: DbHandle): Promise<void> {
  try {
    await handle.pool.query("select 1");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot reach the database at DATABASE_URL: ${reason}`, { cause: err });
  }
}

/**
 * Run `fn` in a transaction scoped to one tenant: Postgres RLS then hides every other tenant's
 * rows from the application role, even for a query that forgets its WHERE clause.
 */
export async function withTenant<T>(
  db: Database,
  tenantId: string,
  fn: (tx: Tx) => Promise<T>,
  opts: { userId?: string } = {},
): Promise<T> {
  if (!UUID.test(tenantId)) throw new TenantContextError(`withTenant: "${tenantId}" is not a tenant id (uuid)`);
  if (opts.userId !== undefined && !UUID.test(opts.userId)) throw new TenantContextError(`withTenant: "${opts.userId}" is not a user id (uuid)`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${opts.userId ?? ""}, true)`);
    return fn(tx);
  });
}

/** A transaction bound to a user but no tenant: the user sees their own memberships only. */
export async function withUser<T>(db: Database, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(userId)) throw new TenantContextError(`withUser: "${userId}" is not a user id (uuid)`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.user_id', ${userId}, true)`);
    return fn(tx);
  });
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
