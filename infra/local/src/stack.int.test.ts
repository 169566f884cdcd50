import { randomBytes } from "node:crypto";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE } from "./defaults.js";
import { ensureAppRole, withClient, withUser } from "./pg-admin.js";
import { temporalHealthy } from "./services/temporal.js";
import { ensureStack, type Stack } from "./stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await ensureStack();
  await ensureAppRole(stack.databaseUrl);
});

describe("local stack", () => {
  it("a second ensureStack reuses what is running", async () => {
    const again = await ensureStack();
    expect(again.started).toEqual([]);
    expect(again.databaseUrl).toBe(stack.databaseUrl);
  });

  it("postgres gives each connection its own session and enforces RLS for the app role", async () => {
    const schema = `stack_probe_${randomBytes(4).toString("hex")}`;
    const owner = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
    const app = new pg.Pool({ connectionString: withUser(stack.databaseUrl, APP_ROLE), max: 2 });
    try {
      await owner.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (tenant text NOT NULL);
        ALTER TABLE ${schema}.t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_only ON ${schema}.t USING (tenant = current_setting('app.tenant', true));
        GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}; GRANT SELECT ON ${schema}.t TO ${APP_ROLE};
        INSERT INTO ${schema}.t VALUES ('a'), ('b');`);

      const who = await app.query<{ current_user: string; bypass: boolean }>(
        "SELECT current_user, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass",
      );
      expect(who.rows[0]).toEqual({ current_user: APP_ROLE, bypass: false });

      const count = async (pool: pg.Pool, tenant: string) => {
        const c = await pool.connect();
        try {
          await c.query("BEGIN");
          await c.query("SELECT set_config('app.tenant', $1, true)", [tenant]);
          const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.t`);
          await c.query("COMMIT");
          return r.rows[0]?.n;
        } finally {
          c.release();
        }
      };
      expect(await Promise.all([count(app, "a"), count(app, "zzz"), count(owner, "a")])).toEqual([1, 0, 2]);

      // SET ROLE on one connection must not leak into another (it did through pglite-socket).
      const [c1, c2] = [await owner.connect(), await owner.connect()];
      await c1.query(`SET ROLE ${APP_ROLE}`);
      const other = await c2.query<{ current_user: string }>("SELECT current_user");
      const mine = await c1.query<{ current_user: string }>("SELECT current_user");
      c1.release(true);
      c2.release();
      expect([mine.rows[0]?.current_user, other.rows[0]?.current_user]).toEqual([APP_ROLE, "postgres"]);
    } finally {
      await withClient(stack.databaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      await Promise.all([owner.end(), app.end()]);
    }
  });

  it("temporal serves the default namespace", async () => {
    expect(await temporalHealthy(stack.temporalAddress)).toBe(true);
  });

  it("the S3 vault answers signed requests", async () => {
    const s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: stack.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: stack.s3.accessKeyId ?? "", secretAccessKey: stack.s3.secretAccessKey ?? "" },
    });
    const out = await s3.send(new ListBucketsCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it("stripe-mock answers the Stripe API", async () => {
    const res = await fetch(`${stack.stripeApiBase}/v1/customers`, { headers: { Authorization: "Bearer sk_test_123" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe("list");
  });

  it("mailpit takes SMTP and answers its HTTP API", async () => {
    expect(stack.smtpUrl).toMatch(/^smtps?:\/\//);
    const res = await fetch(`${stack.mailApiUrl ?? ""}/api/v1/info`);
    expect(res.status).toBe(200);
    expect(typeof ((await res.json()) as { Messages: unknown }).Messages).toBe("number");
  });
});
