// Provider limits, kept per unit of the provider's own accounting (a Gmail user, a Graph mailbox,
// a SharePoint tenant): a token bucket at the documented rate, a cap on concurrent requests, and a
// back-off fence set by Retry-After that every caller of the same key honours.
//
// The state lives behind `LimiterStore` so that workers share it: `MemoryLimiterStore` serves one
// process (tests, the CLI); the worker plugs in a store shared across processes.

import { ConnectorError, isConnectorError } from "./errors";

export interface BucketLimit {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface LimiterStore {
  /**
   * Takes `cost` tokens from bucket `key` if it holds them and returns 0; otherwise takes nothing
   * and returns the milliseconds until it will.
   */
  take(key: string, cost: number, limit: BucketLimit, now: number): Promise<number>;
  /** Raises the fence of `key` to `until` (epoch ms); a lower value never lowers it. */
  raiseFence(key: string, until: number): Promise<void>;
  /** The latest fence over `keys` (epoch ms; 0 when none). */
  fence(keys: readonly string[]): Promise<number>;
  /** Takes one of `max` slots of `key`; false when all are taken. */
  acquireSlot(key: string, max: number): Promise<boolean>;
  releaseSlot(key: string): Promise<void>;
}

export class MemoryLimiterStore implements LimiterStore {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #fences = new Map<string, number>();
  readonly #slots = new Map<string, number>();

  take(key: string, cost: number, limit: BucketLimit, now: number): Promise<number> {
    if (cost > limit.capacity) return Promise.reject(new Error(`a request costing ${cost} can never fit bucket ${key} of capacity ${limit.capacity}`));
    const b = this.#buckets.get(key) ?? { tokens: limit.capacity, at: now };
    const tokens = Math.min(limit.capacity, b.tokens + ((now - b.at) / 1000) * limit.refillPerSecond);
    if (tokens >= cost) {
      this.#buckets.set(key, { tokens: tokens - cost, at: now });
      return Promise.resolve(0);
    }
    this.#buckets.set(key, { tokens, at: now });
    return Promise.resolve(Math.ceil(((cost - tokens) / limit.refillPerSecond) * 1000));
  }

  raiseFence(key: string, until: number): Promise<void> {
    this.#fences.set(key, Math.max(until, this.#fences.get(key) ?? 0));
    return Promise.resolve();
  }

  fence(keys: readonly string[]): Promise<number> {
    return Promise.resolve(Math.max(0, ...keys.map((k) => this.#fences.get(k) ?? 0)));
  }

  acquireSlot(key: string, max: number): Promise<boolean> {
    const n = this.#slots.get(key) ?? 0;
    if (n >= max) return Promise.resolve(false);
    this.#slots.set(key, n + 1);
    return Promise.resolve(true);
  }

  releaseSlot(key: string): Promise<void> {
    const n = this.#slots.get(key) ?? 0;
    if (n <= 1) this.#slots.delete(key);
    else this.#slots.set(key, n - 1);
    return Promise.resolve();
  }
}

/** What one request spends and where. Keys name the provider's unit of accounting. */
export interface RequestBudget {
  /** Token bucket to spend from, e.g. `gmail:user:<id>` at 250 units/s. */
  bucket?: { key: string; cost: number; limit: BucketLimit };
  /** Concurrency cap, e.g. `graph:mailbox:<id>` at 4. */
  slot?: { key: string; max: number };
  /** Fence keys this request honours and raises on Retry-After (e.g. the user and the app). */
  fences: string[];
}

export interface ThrottleOptions {
  store: LimiterStore;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Give up (rethrowing the last rate_limited/transient error) after this long in total. Default 10 min. */
  maxWaitMs?: number;
  /** Back-off when a rate_limited/transient error carries no Retry-After. Default 1 s, doubling, max 60 s. */
  baseBackoffMs?: number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class Throttle {
  readonly #store: LimiterStore;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #maxWaitMs: number;
  readonly #baseBackoffMs: number;

  constructor(options: ThrottleOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
    this.#baseBackoffMs = options.baseBackoffMs ?? 1000;
  }

  /**
   * Runs `fn` within the budget: waits out fences, spends tokens, holds a slot while it runs. A
   * `rate_limited` error, or any retryable one carrying Retry-After, raises every fence of the
   * budget to it (so other callers wait too) and is retried; so is a `transient` one without
   * Retry-After, with exponential back-off. Other errors pass
   * through at once. Past `maxWaitMs` the last error is rethrown for the caller to record.
   */
  async run<T>(budget: RequestBudget, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = this.#now();
    let attempt = 0;
    for (;;) {
      await this.#admit(budget, started, signal);
      let holding = false;
      try {
        if (budget.slot) {
          holding = await this.#slot(budget.slot, started, signal);
          // A fence raised while this caller queued for the slot holds it back too: start over.
          if (budget.fences.length > 0 && (await this.#store.fence(budget.fences)) > this.#now()) continue;
        }
        return await fn();
      } catch (e) {
        if (!isConnectorError(e) || !e.retryable) throw e;
        attempt += 1;
        const wait = e.retryAfterMs ?? Math.min(60_000, this.#baseBackoffMs * 2 ** (attempt - 1));
        if (this.#now() + wait - started > this.#maxWaitMs) throw e;
        // A Retry-After (429, or a 503 that names one) holds back every caller of the key, not just this one.
        if (e.code === "rate_limited" || e.retryAfterMs !== undefined) {
          const until = this.#now() + wait;
          await Promise.all(budget.fences.map((k) => this.#store.raiseFence(k, until)));
        } else {
          await this.#sleep(wait, signal);
        }
      } finally {
        if (holding && budget.slot) await this.#store.releaseSlot(budget.slot.key);
      }
    }
  }

  async #admit(budget: RequestBudget, started: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const fenceWait = budget.fences.length > 0 ? (await this.#store.fence(budget.fences)) - this.#now() : 0;
      if (fenceWait > 0) {
        this.#checkBudget(started, fenceWait, "a provider Retry-After fence");
        await this.#sleep(fenceWait, signal);
        continue;
      }
      if (!budget.bucket) return;
      const wait = await this.#store.take(budget.bucket.key, budget.bucket.cost, budget.bucket.limit, this.#now());
      if (wait === 0) return;
      this.#checkBudget(started, wait, `the ${budget.bucket.key} rate limit`);
      await this.#sleep(wait, signal);
    }
  }

  async #slot(slot: { key: string; max: number }, started: number, signal?: AbortSignal): Promise<boolean> {
    let wait = 5;
    while (!(await this.#store.acquireSlot(slot.key, slot.max))) {
      this.#checkBudget(started, wait, `the ${slot.key} concurrency cap of ${slot.max}`);
      await this.#sleep(wait, signal);
      wait = Math.min(250, wait * 2);
    }
    return true;
  }

  #checkBudget(started: number, wait: number, what: string): void {
    if (this.#now() + wait - started > this.#maxWaitMs) {
      throw new ConnectorError("rate_limited", `waited past ${Math.round(this.#maxWaitMs / 1000)} s for ${what}`, { retryAfterMs: wait });
    }
  }
}
