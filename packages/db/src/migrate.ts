import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Apply committed migrations as the owner role (never as holdfast_app). */
export async function runMigrations(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

/** The application role's URL on the same server and database as the owner URL. */
export function appUrlFor(ownerUrl: string, role = "holdfast_app"): string {
  const u = new URL(ownerUrl);
  u.username = role;
  u.password = "";
  return u.toString();
}
