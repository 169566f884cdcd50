import { describe, expect, it } from "vitest";
import { GMAIL_METHOD_COSTS, GmailQuota, GmailQuotaLimits } from "./quota";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("GmailQuota", () => {
  it("uses the documented per-method costs and the 15,000 units per user per minute default", () => {
    expect(GMAIL_METHOD_COSTS["messages.get"]).toBe(5);
    expect(GMAIL_METHOD_COSTS["messages.insert"]).toBe(25);
    expect(GMAIL_METHOD_COSTS["history.list"]).toBe(2);
    expect(GMAIL_METHOD_COSTS["labels.list"]).toBe(1);
    expect(new GmailQuota().limits).toEqual({ unitsPerUserPerMinute: 15_000, windowSeconds: 60 });
  });

  it("refuses a request whose cost would pass the limit, with the seconds left in the window", () => {
    const c = clock();
    const q = new GmailQuota(c.now);
    q.configure(GmailQuotaLimits.parse({ unitsPerUserPerMinute: 30 }));
    expect(q.charge("u1", "messages.insert")).toEqual({ ok: true, remaining: 5 });
    c.advance(15_000);
    // messages.get costs 5: exactly fits; then nothing is left, not even for a 1-unit call.
    expect(q.charge("u1", "messages.get")).toEqual({ ok: true, remaining: 0 });
    expect(q.charge("u1", "labels.list")).toEqual({ ok: false, retryAfter: 45 });
    // Another user has a budget of their own.
    expect(q.charge("u2", "messages.import")).toEqual({ ok: true, remaining: 5 });
  });

  it("does not charge refused requests and starts a new window after windowSeconds", () => {
    const c = clock();
    const q = new GmailQuota(c.now);
    q.configure(GmailQuotaLimits.parse({ unitsPerUserPerMinute: 10, windowSeconds: 60 }));
    expect(q.charge("u", "messages.get").ok).toBe(true);
    expect(q.charge("u", "messages.insert").ok).toBe(false);
    // The refused insert spent nothing: another 5-unit get still fits.
    expect(q.charge("u", "messages.get")).toEqual({ ok: true, remaining: 0 });
    c.advance(60_000);
    expect(q.charge("u", "messages.get")).toEqual({ ok: true, remaining: 5 });
  });
});
