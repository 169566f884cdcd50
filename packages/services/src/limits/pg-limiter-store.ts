// Provider rate-limit state in Postgres, so every worker honours the same token buckets, the same
// Retry-After fences and the same concurrency caps (a Graph mailbox's 4 requests are 4 across the
// fleet, not 4 per process). One store per tenant, under its RLS scope. Each operation is one
// short transaction; a bucket row is locked only while it is read and written.
import type { BucketLimit, LimiterStore } from "@holdfast/connectors";
import { and, eq, providerLimits, providerSlots, sql, withTenant, type Database } from "@holdfast/db";

/** A slot lease lapses after this long without release (a worker that died holding it). */
export const SLOT_LEASE_MS = 2 * 60_000;

export class PgLimiterStore implements LimiterStore {
  /** Slot leases this process holds, per key (released oldest first). */
  readonly #held = new Map<string, string[]>();

  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
  ) {}

  take(key: string, cost: number, limit: BucketLimit, now: number): Promise<number> {
    if (cost > limit.capacity) return Promise.reject(new Error(`a request costing ${cost} can never fit bucket ${key} of capacity ${limit.capacity}`));
    return withTenant(this.db, this.tenantId, async (tx) => {
      await tx.insert(providerLimits).values({ tenantId: this.tenantId, key, tokens: limit.capacity, refilledAt: new Date(now) }).onConflictDoNothing();
      const [row] = await tx
        .select({ tokens: providerLimits.tokens, refilledAt: providerLimits.refilledAt })
        .from(providerLimits)
        .where(and(eq(providerLimits.tenantId, this.tenantId), eq(providerLimits.key, key)))
        .for("update");
      const last = row?.refilledAt?.getTime() ?? now;
      const tokens = Math.min(limit.capacity, (row?.tokens ?? limit.capacity) + (Math.max(0, now - last) / 1000) * limit.refillPerSecond);
      const granted = tokens >= cost;
      await tx
        .update(providerLimits)
        .set({ tokens: granted ? tokens - cost : tokens, refilledAt: new Date(Math.max(now, last)) })
        .where(and(eq(providerLimits.tenantId, this.tenantId), eq(providerLimits.key, key)));
      return granted ? 0 : Math.ceil(((cost - tokens) / limit.refillPerSecond) * 1000);
    });
  }

  async raiseFence(key: string, until: number): Promise<void> {
    await withTenant(this.db, this.tenantId, (tx) =>
      tx
        .insert(providerLimits)
        .values({ tenantId: this.tenantId, key, fenceUntil: new Date(until) })
        .onConflictDoUpdate({ target: [providerLimits.tenantId, providerLimits.key], set: { fenceUntil: sql`greatest(${providerLimits.fenceUntil}, excluded.fence_until)` } }),
    );
  }

  async fence(key: string): Promise<number> {
    const [row] = await withTenant(this.db, this.tenantId, (tx) =>
      tx.select({ f: providerLimits.fenceUntil }).from(providerLimits).where(and(eq(providerLimits.tenantId, this.tenantId), eq(providerLimits.key, key))),
    );
    return row?.f?.getTime() ?? 0;
  }

  async acquireSlot(key: string, max: number): Promise<boolean> {
    const id = await withTenant(this.db, this.tenantId, async (tx) => {
      // Serialise acquisitions of one key across workers; lapsed leases are cleared first.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`holdfast.slot:${this.tenantId}:${key}`}, 0))`);
      await tx.delete(providerSlots).where(and(eq(providerSlots.tenantId, this.tenantId), eq(providerSlots.key, key), sql`${providerSlots.expiresAt} < now()`));
      const [held] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(providerSlots)
        .where(and(eq(providerSlots.tenantId, this.tenantId), eq(providerSlots.key, key)));
      if ((held?.n ?? 0) >= max) return null;
      const [row] = await tx
        .insert(providerSlots)
        .values({ tenantId: this.tenantId, key, expiresAt: sql`now() + ${`${SLOT_LEASE_MS} milliseconds`}::interval` })
        .returning({ id: providerSlots.id });
      return row?.id ?? null;
    });
    if (id === null) return false;
    this.#held.set(key, [...(this.#held.get(key) ?? []), id]);
    return true;
  }

  async releaseSlot(key: string): Promise<void> {
    const [id, ...rest] = this.#held.get(key) ?? [];
    if (id === undefined) return;
    if (rest.length > 0) this.#held.set(key, rest);
    else this.#held.delete(key);
    await withTenant(this.db, this.tenantId, (tx) => tx.delete(providerSlots).where(and(eq(providerSlots.tenantId, this.tenantId), eq(providerSlots.id, id))));
  }
}
