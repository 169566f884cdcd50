import { describe, expect, it } from "vitest";
import { ConnectorError } from "./errors";
import { MemoryLimiterStore, Throttle } from "./throttle";

function clock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    slept,
    advance: (ms: number) => (t += ms),
  };
}

describe("Throttle", () => {
  it("spends bucket tokens and waits for the refill once the burst is used", async () => {
    const c = clock();
    const t = new Throttle({ store: new MemoryLimiterStore(), now: c.now, sleep: c.sleep });
    const budget = { bucket: { key: "gmail:user:a", cost: 5, limit: { capacity: 10, refillPerSecond: 5 } }, fences: [] };
    await t.run(budget, () => Promise.resolve(1));
    await t.run(budget, () => Promise.resolve(2));
    expect(c.slept).toEqual([]);
    await t.run(budget, () => Promise.resolve(3));
    expect(c.slept).toEqual([1000]);
  });

  it("a Retry-After from one caller fences every caller of the same key", async () => {
    const c = clock();
    const store = new MemoryLimiterStore();
    const t = new Throttle({ store, now: c.now, sleep: c.sleep });
    let calls = 0;
    const result = await t.run({ fences: ["graph:app"] }, () => {
      calls += 1;
      if (calls === 1) return Promise.reject(new ConnectorError("rate_limited", "429", { retryAfterMs: 7000 }));
      return Promise.resolve("ok");
    });
    expect(result).toBe("ok");
    expect(c.slept).toEqual([7000]);
    // Another caller sharing the fence in the same window waits too.
    c.advance(-3000);
    await t.run({ fences: ["graph:app"] }, () => Promise.resolve("second"));
    expect(c.slept).toEqual([7000, 3000]);
  });

  it("a transient error that names a Retry-After (a 503) fences every caller of the key too", async () => {
    const c = clock();
    const t = new Throttle({ store: new MemoryLimiterStore(), now: c.now, sleep: c.sleep });
    let calls = 0;
    await t.run({ fences: ["google:drive:fence:a"] }, () => (++calls === 1 ? Promise.reject(new ConnectorError("transient", "503", { retryAfterMs: 2000 })) : Promise.resolve()));
    expect(c.slept).toEqual([2000]);
    c.advance(-1500);
    await t.run({ fences: ["google:drive:fence:a"] }, () => Promise.resolve());
    expect(c.slept).toEqual([2000, 1500]);
  });

  it("a caller queued for a concurrency slot honours a fence raised while it waited", async () => {
    const t = new Throttle({ store: new MemoryLimiterStore() });
    const budget = { slot: { key: "google:drive:slots:a", max: 1 }, fences: ["google:drive:fence:a"] };
    const started = Date.now();
    let fenceUntil = 0;
    let first = true;
    const a = t.run(budget, async () => {
      await new Promise((r) => setTimeout(r, 30)); // b queues for the slot meanwhile
      if (first) {
        first = false;
        fenceUntil = Date.now() + 300;
        throw new ConnectorError("rate_limited", "429", { retryAfterMs: 300 });
      }
    });
    await new Promise((r) => setTimeout(r, 5));
    let bAt = 0;
    const b = t.run(budget, () => {
      bAt = Date.now();
      return Promise.resolve();
    });
    await Promise.all([a, b]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(bAt).toBeGreaterThanOrEqual(fenceUntil - 5);
  });

  it("retries transient errors with exponential back-off and passes other errors through", async () => {
    const c = clock();
    const t = new Throttle({ store: new MemoryLimiterStore(), now: c.now, sleep: c.sleep, baseBackoffMs: 100 });
    let n = 0;
    await t.run({ fences: [] }, () => (++n < 4 ? Promise.reject(new ConnectorError("transient", "503")) : Promise.resolve()));
    expect(c.slept).toEqual([100, 200, 400]);
    await expect(t.run({ fences: [] }, () => Promise.reject(new ConnectorError("not_found", "gone")))).rejects.toMatchObject({ code: "not_found" });
    expect(c.slept).toHaveLength(3);
  });

  it("gives up past maxWaitMs with the provider's error", async () => {
    const c = clock();
    const t = new Throttle({ store: new MemoryLimiterStore(), now: c.now, sleep: c.sleep, maxWaitMs: 10_000 });
    await expect(t.run({ fences: ["k"] }, () => Promise.reject(new ConnectorError("rate_limited", "quota", { retryAfterMs: 6000 })))).rejects.toThrow("quota");
  });

  it("caps concurrency per key", async () => {
    const store = new MemoryLimiterStore();
    const t = new Throttle({ store, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    let active = 0;
    let peak = 0;
    const job = () =>
      t.run({ slot: { key: "graph:mailbox:x", max: 4 }, fences: [] }, async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 12 }, job));
    expect(peak).toBe(4);
  });

  it("refuses a cost that can never fit the bucket", async () => {
    const t = new Throttle({ store: new MemoryLimiterStore() });
    await expect(t.run({ bucket: { key: "b", cost: 20, limit: { capacity: 10, refillPerSecond: 1 } }, fences: [] }, () => Promise.resolve())).rejects.toThrow(/never fit/);
  });
});
