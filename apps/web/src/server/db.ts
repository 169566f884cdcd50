import { createDb, type Database, type DbHandle } from "@holdfast/db";

// One pool per server process; kept on globalThis so dev-mode reloads do not open another.
const g = globalThis as typeof globalThis & { __holdfastWebDb?: DbHandle };

export function dbHandle(): DbHandle {
  return (g.__holdfastWebDb ??= createDb({ applicationName: "holdfast-web" }));
}

export function db(): Database {
  return dbHandle().db;
}
