import { describe, expect, it } from "vitest";
import { Throttle } from "./throttle";

describe("Graph throttling", () => {
  it("limits requests per window per app and mailbox, with Retry-After to the window's end", () => {
    let now = 1_000_000;
    const t = new Throttle(() => now);
    t.configure({ requestsPerWindow: 3, windowSeconds: 60, concurrentRequests: 10 });
    for (let i = 0; i < 3; i++) {
      const a = t.admit("app", "mbx");
      expect(a.ok).toBe(true);
      if (a.ok) a.release();
    }
    const denied = t.admit("app", "mbx");
    expect(denied).toEqual({ ok: false, retryAfter: 60, reason: "rate" });
    expect(t.admit("other-app", "mbx").ok).toBe(true);
    expect(t.admit("app", "other-mbx").ok).toBe(true);
    now += 45_000;
    expect(t.admit("app", "mbx")).toMatchObject({ ok: false, retryAfter: 15 });
    now += 15_000;
    expect(t.admit("app", "mbx").ok).toBe(true);
  });

  it("limits concurrent requests until one is released", () => {
    const t = new Throttle();
    t.configure({ requestsPerWindow: 100, windowSeconds: 600, concurrentRequests: 2 });
    const a = t.admit("app", "mbx");
    const b = t.admit("app", "mbx");
    expect(t.admit("app", "mbx")).toMatchObject({ ok: false, reason: "concurrency" });
    if (a.ok) {
      a.release();
      a.release();
    }
    expect(t.admit("app", "mbx").ok).toBe(true);
    expect(t.admit("app", "mbx").ok).toBe(false);
    expect(b.ok).toBe(true);
  });
});
