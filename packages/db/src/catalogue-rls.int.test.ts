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

  it("neither the console's role nor the worker's may delete or truncate catalogue history; only the worker's writes snapshots, items, versions and issues (migration 0036)", async () => {
    const { rows } = await t.owner.pool.query<{ table: string; role: string; del: boolean; trunc: boolean; ins: boolean; upd: boolean; sel: boolean }>(
      `select t as table, r as role, has_table_privilege(r, t, 'DELETE') as del, has_table_privilege(r, t, 'TRUNCATE') as trunc,
              has_table_privilege(r, t, 'INSERT') as ins, has_table_privilege(r, t, 'UPDATE') as upd, has_table_privilege(r, t, 'SELECT') as sel
         from unnest($1::text[]) t cross join unnest(array['holdfast_app', 'holdfast_worker']) r order by 1, 2`,
      [CATALOGUE_TABLES],
    );
    expect(rows).toHaveLength(CATALOGUE_TABLES.length * 2);
    expect(rows.filter((r) => r.del || r.trunc)).toEqual([]);
    const history = ["run_issues", "snapshots", "items", "item_versions"];
    for (const r of rows) {
      expect(r.sel, `${r.role} reads ${r.table}`).toBe(true);
      expect(r.ins, `${r.role} inserts into ${r.table}`).toBe(r.role === "holdfast_worker" || !history.includes(r.table));
    }
    expect(rows.filter((r) => r.role === "holdfast_app" && ["snapshots", "items", "item_versions"].includes(r.table) && r.upd)).toEqual([]);
  });

  it("the worker's role cannot bypass row-level security: bound to one tenant it sees and writes only that tenant's rows", async () => {
    const { rows: roles } = await t.owner.pool.query<{ rolbypassrls: boolean; rolsuper: boolean; member: boolean }>(
      "select rolbypassrls, rolsuper, pg_has_role('holdfast_worker', 'holdfast_app', 'USAGE') as member from pg_roles where rolname = 'holdfast_worker'",
    );
    expect(roles).toEqual([{ rolbypassrls: false, rolsuper: false, member: true }]);
    const { rows: orgs } = await t.owner.pool.query<{ id: string }>(
      "insert into organizations (name) values ('Worker A'), ('Worker B') returning id",
    );
    const [a, b] = orgs.map((o) => o.id);
    await t.owner.pool.query("insert into sources (tenant_id, provider, display_name) values ($1, 'google', 'A'), ($2, 'google', 'B')", [a, b]);
    const c = await t.worker.pool.connect();
    try {
      await c.query("begin");
      await c.query("select set_config('app.tenant_id', $1, true)", [a]);
      const seen = await c.query<{ tenant_id: string }>("select tenant_id from sources");
      expect(seen.rows.map((r) => r.tenant_id)).toEqual([a]);
      await expect(c.query("insert into sources (tenant_id, provider, display_name) values ($1, 'google', 'into B')", [b])).rejects.toThrow(/row-level security/);
      await c.query("rollback");
    } finally {
      c.release();
    }
  });
});
