// Provider rate-limit state in Postgres, so every worker honours the same token buckets, the same
// Retry-After fences and the same concurrency caps (a Graph mailbox's 4 requests are 4 across the
// fleet, not 4 per process). One store per tenant, under its RLS scope. Every operation is one
// statement calling a `holdfast_limiter_*` function (migration 0031), which binds the tenant
// itself for its own duration: one round trip each, since every provider request pays for them.
import type { BucketLimit, LimiterStore } from "@holdfast/connectors";
import { sql, type Database } from "@holdfast/db";

/** A slot lease lapses after this long without release (a worker that died holding it). */
export const SLOT_LEASE_MS = 2 * 60_000;

function first<T>(rows: unknown): T | undefined {
  return (rows as { rows: T[] }).rows[0];
}

export class PgLimiterStore implements LimiterStore {
  /** Slot leases this process holds, per key (released oldest first). */
  readonly #held = new Map<string, string[]>();

  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
  ) {}

  async take(key: string, cost: number, limit: BucketLimit, now: number): Promise<number> {
    if (cost > limit.capacity) throw new Error(`a request costing ${cost} can never fit bucket ${key} of capacity ${limit.capacity}`);
    const row = first<{ wait: number }>(
      await this.db.execute(
        sql`select holdfast_limiter_take(${this.tenantId}::uuid, ${key}, ${cost}::float8, ${limit.capacity}::float8, ${limit.refillPerSecond}::float8, ${new Date(now).toISOString()}::timestamptz) as wait`,
      ),
    );
    if (row === undefined) throw new Error(`holdfast_limiter_take returned no row for ${key}`);
    return Number(row.wait);
  }

  async raiseFence(key: string, until: number): Promise<void> {
    await this.db.execute(sql`select holdfast_limiter_raise_fence(${this.tenantId}::uuid, ${key}, ${new Date(until).toISOString()}::timestamptz)`);
  }

  async fence(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const row = first<{ f: string | Date | null }>(await this.db.execute(sql`select holdfast_limiter_fence(${this.tenantId}::uuid, array[${sql.join(keys.map((k) => sql`${k}`), sql`, `)}]::text[]) as f`));
    return row?.f ? new Date(row.f).getTime() : 0;
  }

  async acquireSlot(key: string, max: number): Promise<boolean> {
    const row = first<{ id: string | null }>(await this.db.execute(sql`select holdfast_limiter_acquire_slot(${this.tenantId}::uuid, ${key}, ${max}::int, ${SLOT_LEASE_MS}::int) as id`));
    const id = row?.id ?? null;
    if (id === null) return false;
    this.#held.set(key, [...(this.#held.get(key) ?? []), id]);
    return true;
  }

  async releaseSlot(key: string): Promise<void> {
    const [id, ...rest] = this.#held.get(key) ?? [];
    if (id === undefined) return;
    if (rest.length > 0) this.#held.set(key, rest);
    else this.#held.delete(key);
    await this.db.execute(sql`select holdfast_limiter_release_slot(${this.tenantId}::uuid, ${id}::uuid)`);
  }
}
