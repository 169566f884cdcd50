import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent, checkChainPage, GENESIS_HASH, readAuditChainPage } from "./audit";
import { withTenant, withUser } from "./client";
import { apiKeys, auditEvents, memberships, organizations, users } from "./schema/index";
import { createTestDatabase, type TestDatabase } from "./testing";

let t: TestDatabase;

/** Drizzle wraps driver errors ("Failed query: …"); the server's own message is the cause. */
async function serverError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  throw new Error("expected the statement to be refused, but it succeeded");
}
const A = randomUUID();
const B = randomUUID();
const userA = randomUUID();
const userB = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase("rls");
  const db = t.app.db;
  await db.insert(users).values([{ id: userA, email: `a-${A}@example.test` }, { id: userB, email: `b-${B}@example.test` }]);
  for (const [tenant, user] of [[A, userA], [B, userB]] as const) {
    await withTenant(db, tenant, async (tx) => {
      await tx.insert(organizations).values({ id: tenant, name: `org ${tenant}` });
      await tx.insert(memberships).values({ tenantId: tenant, userId: user, role: "owner" });
      await tx.insert(apiKeys).values({ tenantId: tenant, name: "k", prefix: `p${tenant.slice(0, 8)}`, secretHash: "x", role: "admin" });
      await appendAuditEvent(tx, { tenantId: tenant, actorType: "user", actorId: user, action: "organization.created" });
      await appendAuditEvent(tx, { tenantId: tenant, actorType: "user", actorId: user, action: "api_key.created", metadata: { name: "k" } });
    });
  }
});

afterAll(async () => {
  await t?.drop();
});

describe("row-level security", () => {
  it("a query with no tenant filter inside tenant A's transaction sees none of tenant B's rows", async () => {
    const seen = await withTenant(t.app.db, A, async (tx) => ({
      orgs: await tx.select().from(organizations),
      members: await tx.select().from(memberships),
      keys: await tx.select().from(apiKeys),
      audit: await tx.select().from(auditEvents),
    }));
    expect(seen.orgs.map((o) => o.id)).toEqual([A]);
    expect(seen.members.every((m) => m.tenantId === A)).toBe(true);
    expect(seen.members).toHaveLength(1);
    expect(seen.keys.map((k) => k.tenantId)).toEqual([A]);
    expect(seen.audit).toHaveLength(2);
    expect(seen.audit.every((e) => e.tenantId === A)).toBe(true);
  });

  it("outside any tenant transaction the application role sees no tenant rows at all", async () => {
    expect(await t.app.db.select().from(organizations)).toEqual([]);
    expect(await t.app.db.select().from(apiKeys)).toEqual([]);
  });

  it("a user sees their own memberships across tenants, and nobody else's", async () => {
    const rows = await withUser(t.app.db, userA, (tx) => tx.select().from(memberships));
    expect(rows.map((r) => r.tenantId)).toEqual([A]);
  });

  it("cannot write a row into another tenant", async () => {
    expect(await serverError(
      withTenant(t.app.db, A, (tx) => tx.insert(apiKeys).values({ tenantId: B, name: "evil", prefix: "evil0001", secretHash: "x", role: "owner" })),
    )).toMatch(/row-level security/);
  });

  it("cannot update or delete another tenant's rows (they are invisible)", async () => {
    const updated = await withTenant(t.app.db, A, (tx) => tx.update(apiKeys).set({ name: "pwned" }).where(sql`true`).returning());
    expect(updated.every((k) => k.tenantId === A)).toBe(true);
    const bKeys = await withTenant(t.app.db, B, (tx) => tx.select().from(apiKeys));
    expect(bKeys.map((k) => k.name)).toEqual(["k"]);
  });

  it("the application role cannot switch RLS off", async () => {
    const c = await t.app.pool.connect();
    try {
      expect(await serverError(c.query("ALTER TABLE api_keys DISABLE ROW LEVEL SECURITY"))).toMatch(/must be owner/);
      expect(await serverError(c.query("DROP POLICY api_keys_tenant_isolation ON api_keys"))).toMatch(/must be owner/);
      await c.query("SET row_security = off");
      expect(await serverError(c.query("SELECT * FROM api_keys"))).toMatch(/row-level security/);
      expect(await serverError(c.query("SET ROLE postgres"))).toMatch(/permission denied/);
      const { rows } = await c.query<{ rolbypassrls: boolean; rolsuper: boolean }>("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user");
      expect(rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
    } finally {
      await c.query("RESET row_security").catch(() => undefined);
      c.release();
    }
  });
});

describe("audit chain", () => {
  it("the database links every row to its tenant's previous one", async () => {
    const rows = await withTenant(t.app.db, A, (tx) => readAuditChainPage(tx, A, 0, 100));
    expect(rows.map((r) => r.seq)).toEqual(["1", "2"]);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    expect(checkChainPage(rows, 0, GENESIS_HASH)).toMatchObject({ ok: true, lastSeq: 2 });
  });

  it("the application role cannot update, delete or truncate audit rows", async () => {
    expect(await serverError(withTenant(t.app.db, A, (tx) => tx.update(auditEvents).set({ action: "x" })))).toMatch(/permission denied/);
    expect(await serverError(withTenant(t.app.db, A, (tx) => tx.delete(auditEvents)))).toMatch(/permission denied/);
    expect(await serverError(t.app.pool.query("TRUNCATE audit_events"))).toMatch(/permission denied/);
    expect(await serverError(t.app.pool.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain"))).toMatch(/must be owner/);
  });

  it("the application role cannot write a row out of chain", async () => {
    const forge = (values: Record<string, unknown>) =>
      withTenant(t.app.db, A, (tx) =>
        tx.insert(auditEvents).values({ tenantId: A, actorType: "system", action: "forged", ...values } as typeof auditEvents.$inferInsert),
      );
    expect(await serverError(forge({ seq: 99 }))).toMatch(/audit chain violation/);
    expect(await serverError(forge({ prevHash: GENESIS_HASH }))).toMatch(/audit chain violation/);
    expect(await serverError(forge({ hash: "f".repeat(64) }))).toMatch(/audit chain violation/);
    expect(await serverError(forge({ occurredAt: new Date("2020-01-01") }))).toMatch(/audit chain violation/);
    const rows = await withTenant(t.app.db, A, (tx) => readAuditChainPage(tx, A, 0, 100));
    expect(rows.map((r) => r.action)).not.toContain("forged");
  });

  it("concurrent appends by several writers never fork the chain", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTenant(t.app.db, B, (tx) => appendAuditEvent(tx, { tenantId: B, actorType: "system", action: "concurrent", metadata: { i } })),
      ),
    );
    const rows = await withTenant(t.app.db, B, (tx) => readAuditChainPage(tx, B, 0, 1000));
    expect(rows).toHaveLength(22);
    expect(checkChainPage(rows, 0, GENESIS_HASH)).toMatchObject({ ok: true, lastSeq: 22 });
  });

  it("an edit made behind the application's back is found at its row", async () => {
    await t.owner.pool.query("UPDATE audit_events SET metadata = '{\"name\":\"tampered\"}' WHERE tenant_id = $1 AND seq = 2", [A]);
    const rows = await withTenant(t.app.db, A, (tx) => readAuditChainPage(tx, A, 0, 100));
    const result = checkChainPage(rows, 0, GENESIS_HASH);
    expect(result).toMatchObject({ ok: false, broken: { seq: 2, reason: "hash_mismatch" } });
  });
});
