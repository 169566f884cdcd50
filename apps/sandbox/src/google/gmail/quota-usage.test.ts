// What a run cost, as the control API's /throttling/usage reports it: Gmail units per method and
// per user window (refusals counted, not charged), and Graph requests per app, mailbox and window.
import { describe, expect, it } from "vitest";
import { Throttle } from "../../microsoft/throttle";
import { GmailQuota, GmailQuotaLimits } from "./quota";

describe("GmailQuota usage", () => {
  it("counts admitted calls and units per method, refusals apart, and keeps each user's windows", () => {
    let now = 1_000_000;
    const q = new GmailQuota(() => now);
    q.configure(GmailQuotaLimits.parse({ unitsPerUserPerMinute: 12, windowSeconds: 60 }));
    q.charge("a", "messages.list");
    q.charge("a", "messages.get");
    expect(q.charge("a", "messages.get").ok).toBe(false);
    q.charge("b", "getProfile");
    now += 60_000;
    q.charge("a", "history.list");

    const u = q.usage();
    expect(u.limits).toEqual({ unitsPerUserPerMinute: 12, windowSeconds: 60 });
    expect(u.methods).toEqual({
      "messages.list": { calls: 1, units: 5, refused: 0 },
      "messages.get": { calls: 1, units: 5, refused: 1 },
      getProfile: { calls: 1, units: 1, refused: 0 },
      "history.list": { calls: 1, units: 2, refused: 0 },
    });
    expect(u.windows).toEqual([
      { user: "a", start: 1_000_000, end: 1_060_000, units: 10, calls: 2, refused: 1, open: false },
      { user: "b", start: 1_000_000, end: 1_060_000, units: 1, calls: 1, refused: 0, open: true },
      { user: "a", start: 1_060_000, end: 1_120_000, units: 2, calls: 1, refused: 0, open: true },
    ]);
  });

  it("a new configuration closes the open windows where they stood; the counts go on", () => {
    let now = 5_000;
    const q = new GmailQuota(() => now);
    q.charge("a", "messages.get");
    now += 20_000;
    q.configure(GmailQuotaLimits.parse({ unitsPerUserPerMinute: 100 }));
    q.charge("a", "messages.get");
    const u = q.usage();
    expect(u.methods["messages.get"]).toEqual({ calls: 2, units: 10, refused: 0 });
    expect(u.windows.map((w) => [w.start, w.end, w.units, w.open])).toEqual([
      [5_000, 25_000, 5, false],
      [25_000, 85_000, 5, true],
    ]);
  });
});

describe("Graph throttle usage", () => {
  it("counts admitted requests and both kinds of 429 per app, mailbox and window", () => {
    let now = 0;
    const t = new Throttle(() => now);
    t.configure({ requestsPerWindow: 2, windowSeconds: 10, concurrentRequests: 1 });
    const first = t.admit("app", "mbx");
    expect(t.admit("app", "mbx")).toMatchObject({ ok: false, reason: "concurrency" });
    if (first.ok) first.release();
    const second = t.admit("app", "mbx");
    if (second.ok) second.release();
    expect(t.admit("app", "mbx")).toMatchObject({ ok: false, reason: "rate" });
    now += 10_000;
    const third = t.admit("app", "mbx");
    if (third.ok) third.release();

    const u = t.usage();
    expect(u.requests).toBe(3);
    expect(u.refused).toEqual({ rate: 1, concurrency: 1 });
    expect(u.windows).toEqual([
      { app: "app", mailbox: "mbx", start: 0, end: 10_000, requests: 2, refused: { rate: 1, concurrency: 1 }, open: false },
      { app: "app", mailbox: "mbx", start: 10_000, end: 20_000, requests: 1, refused: { rate: 0, concurrency: 0 }, open: true },
    ]);
  });
});
