import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase("catrls");
});
afterAll(async () => {
  await t?.drop();
});

const CATALOGUE_TABLES = ["sources", "units", "backup_runs", "run_issues", "snapshots", "items", "item_versions"];

describe("catalogue tables (migrations 0004–0006)", () => {
  it("every table with a tenant_id has RLS enabled and the standard tenant policy for the application role", async () => {
    const { rows } = await t.owner.pool.query<{ table: string; rls: boolean; policy: string | null }>(
      `select c.relname as table, c.relrowsecurity as rls,
              (select p.qual from pg_policies p where p.tablename = c.relname and p.policyname = c.relname || '_tenant_isolation' and 'holdfast_app' = any(p.roles)) as policy
         from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
        where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace and c.relname = any($1)
        order by 1`,
      [CATALOGUE_TABLES],
    );
    expect(rows.map((r) => r.table)).toEqual([...CATALOGUE_TABLES].sort());
    for (const r of rows) {
      expect(r.rls, r.table).toBe(true);
      expect(r.policy, r.table).toBe("(tenant_id = app_tenant_id())");
    }
  });

  it("the application role may not delete or truncate catalogue history", async () => {
    const { rows } = await t.owner.pool.query<{ table: string; del: boolean; trunc: boolean; ins: boolean }>(
      `select t as table, has_table_privilege('holdfast_app', t, 'DELETE') as del, has_table_privilege('holdfast_app', t, 'TRUNCATE') as trunc,
              has_table_privilege('holdfast_app', t, 'INSERT') as ins
         from unnest($1::text[]) t order by 1`,
      [CATALOGUE_TABLES],
    );
    expect(rows.every((r) => r.ins && !r.del && !r.trunc)).toBe(true);
  });
});
