// Provider limits shared across workers: two stores (as two worker processes would hold) on the
// same tenant see one bucket, one fence and one set of slots; another tenant sees none of it.
import { randomBytes } from "node:crypto";
import { Throttle } from "@holdfast/connectors";
import { eq, providerLimits, providerSlots, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../index";
import { PgLimiterStore } from "./pg-limiter-store";

let t: TestDatabase;
let tenantA: string;
let tenantB: string;

async function tenant(label: string): Promise<string> {
  const { organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  return organization.id;
}

beforeAll(async () => {
  t = await createTestDatabase("limits");
  tenantA = await tenant("a");
  tenantB = await tenant("b");
});
afterAll(() => t?.drop());

describe("PgLimiterStore", () => {
  it("two workers spend one bucket", async () => {
    const w1 = new PgLimiterStore(t.app.db, tenantA);
    const w2 = new PgLimiterStore(t.app.db, tenantA);
    const limit = { capacity: 10, refillPerSecond: 5 };
    const now = Date.now();
    expect(await w1.take("gmail:user:u1", 6, limit, now)).toBe(0);
    // 4 tokens left for everyone: the second worker must wait for 2 more (400 ms at 5/s).
    expect(await w2.take("gmail:user:u1", 6, limit, now)).toBe(400);
    expect(await w2.take("gmail:user:u1", 6, limit, now + 400)).toBe(0);
    // Another tenant's bucket of the same name is its own.
    expect(await new PgLimiterStore(t.app.db, tenantB).take("gmail:user:u1", 10, limit, now)).toBe(0);
    await expect(w1.take("k", 11, limit, now)).rejects.toThrow(/never fit/);
  });

  it("a Retry-After fence raised by one worker holds the other, and never moves back", async () => {
    const w1 = new PgLimiterStore(t.app.db, tenantA);
    const w2 = new PgLimiterStore(t.app.db, tenantA);
    const until = Date.now() + 30_000;
    await w1.raiseFence("graph:app", until);
    await w2.raiseFence("graph:app", until - 10_000);
    expect(await w2.fence(["graph:app"])).toBe(until);
    // The latest over several keys (a Gmail user's fence and the app's); none is 0.
    await w1.raiseFence("graph:user:u1", until + 5_000);
    expect(await w2.fence(["graph:app", "graph:user:u1", "graph:user:none"])).toBe(until + 5_000);
    expect(await w2.fence(["graph:user:none"])).toBe(0);
    expect(await new PgLimiterStore(t.app.db, tenantB).fence(["graph:app"])).toBe(0);
  });

  it("caps concurrency across workers, and a lease left by a dead worker lapses", async () => {
    const stores = [new PgLimiterStore(t.app.db, tenantA), new PgLimiterStore(t.app.db, tenantA)];
    const throttles = stores.map((store) => new Throttle({ store }));
    let active = 0;
    let peak = 0;
    const [t1, t2] = throttles;
    if (!t1 || !t2) throw new Error("two throttles expected");
    const job = (i: number) =>
      (i % 2 ? t2 : t1).run({ slot: { key: "graph:mailbox:m1", max: 4 }, fences: [] }, async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 30));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 16 }, (_, i) => job(i)));
    expect(peak).toBe(4);

    const dead = new PgLimiterStore(t.app.db, tenantA);
    for (let i = 0; i < 4; i++) expect(await dead.acquireSlot("graph:mailbox:m2", 4)).toBe(true);
    expect(await stores[0]?.acquireSlot("graph:mailbox:m2", 4)).toBe(false);
    // The dead worker's leases run out (as if SLOT_LEASE_MS had passed).
    await t.owner.db.update(providerSlots).set({ expiresAt: sql`now() - interval '1 second'` });
    expect(await stores[0]?.acquireSlot("graph:mailbox:m2", 4)).toBe(true);
    await stores[0]?.releaseSlot("graph:mailbox:m2");
  });

  it("binds its tenant only for its own work: a call inside another tenant's transaction leaves that tenant bound", async () => {
    const seen = await withTenant(t.app.db, tenantB, async (tx) => {
      const store = new PgLimiterStore(tx, tenantA);
      await store.take("gmail:user:inside", 1, { capacity: 10, refillPerSecond: 1 }, Date.now());
      await store.raiseFence("gmail:user:inside", Date.now() + 1000);
      expect(await store.acquireSlot("gmail:user:inside", 1)).toBe(true);
      await store.releaseSlot("gmail:user:inside");
      const [row] = (await tx.execute(sql`select current_setting('app.tenant_id', true) as t`)).rows as { t: string }[];
      return row?.t;
    });
    expect(seen).toBe(tenantB);
    // The rows were written under tenant A, not B.
    const rows = (await t.owner.db.select().from(providerLimits).where(eq(providerLimits.key, "gmail:user:inside"))).map((r) => r.tenantId);
    expect(rows).toEqual([tenantA]);
  });

  it("names a bucket a request can never fit, in the database too", async () => {
    await expect(t.app.db.execute(sql`select holdfast_limiter_take(${tenantA}::uuid, 'k', 11, 10, 1, now())`)).rejects.toThrow();
  });
});
