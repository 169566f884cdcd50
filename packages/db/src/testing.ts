// Integration suites each get a database of their own on the real server (CONVENTIONS §14),
// migrated from the committed SQL; nothing is shared between suites.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import pg from "pg";
import { createDb, type DbHandle } from "./client";
import { appUrlFor, runMigrations } from "./migrate";

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  /** Connected as holdfast_app, subject to RLS. */
  app: DbHandle;
  /** Connected as holdfast_guard: it can only call the guard's definer functions (docs/adr/0020). */
  guard: DbHandle;
  guardUrl: string;
  /**
   * Connected as holdfast_worker: the application role's grants plus the catalogue's history
   * (snapshots, items, item versions, run issues), which only the backup engine writes (ADR 0024).
   */
  worker: DbHandle;
  workerUrl: string;
  /** Connected as the owner/superuser, for arranging and inspecting state around RLS. */
  owner: DbHandle;
  drop(): Promise<void>;
}

export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const serverUrl = testConfig().databaseUrl;
  const name = `hf_${label.replace(/[^a-z0-9]/gi, "").toLowerCase().slice(0, 20)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const ownerUrl = u.toString();
  await runMigrations(ownerUrl);
  const appUrl = appUrlFor(ownerUrl);
  const app = createDb({ url: appUrl, poolMax: 5, applicationName: "holdfast-test-app" });
  const guardUrl = appUrlFor(ownerUrl, "holdfast_guard");
  const guard = createDb({ url: guardUrl, poolMax: 2, applicationName: "holdfast-test-guard" });
  const workerUrl = appUrlFor(ownerUrl, "holdfast_worker");
  const worker = createDb({ url: workerUrl, poolMax: 5, applicationName: "holdfast-test-worker" });
  const owner = createDb({ url: ownerUrl, poolMax: 2, applicationName: "holdfast-test-owner" });
  return {
    name,
    ownerUrl,
    appUrl,
    app,
    guard,
    guardUrl,
    worker,
    workerUrl,
    owner,
    async drop() {
      await app.close();
      await guard.close();
      await worker.close();
      await owner.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
