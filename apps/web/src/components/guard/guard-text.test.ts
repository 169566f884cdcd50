import { describe, expect, it } from "vitest";
import { formatCountdown, isOpen, nextTickDelay, outcomeText } from "./guard-text";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("formatCountdown", () => {
  it("reads days and hours, hours and minutes, minutes, then seconds", () => {
    expect(formatCountdown(2 * D + 5 * H + 30 * M)).toBe("2 d 5 h");
    expect(formatCountdown(3 * H + 4 * M + 59 * S)).toBe("3 h 4 min");
    expect(formatCountdown(12 * M + 30 * S)).toBe("12 min");
    expect(formatCountdown(60 * S)).toBe("1 min");
    expect(formatCountdown(12 * S)).toBe("12 s");
    expect(formatCountdown(11_200)).toBe("12 s");
    expect(formatCountdown(1)).toBe("1 s");
  });

  it("has nothing to count once due", () => {
    expect(formatCountdown(0)).toBeNull();
    expect(formatCountdown(-5 * S)).toBeNull();
  });
});

describe("nextTickDelay", () => {
  it("ticks every second under a minute, exactly when the shown seconds change", () => {
    expect(nextTickDelay(12 * S)).toBe(S);
    expect(nextTickDelay(11_200)).toBe(200);
    expect(formatCountdown(11_200 - 200)).toBe("11 s");
  });

  it("ticks at most once a minute above a minute, when the shown minute changes", () => {
    const ms = 2 * M + 5 * S;
    const delay = nextTickDelay(ms);
    expect(delay).toBe(6 * S);
    expect(formatCountdown(ms)).toBe("2 min");
    expect(formatCountdown(ms - (delay ?? 0))).toBe("1 min");
    expect(nextTickDelay(3 * H)).toBe(S);
    expect(nextTickDelay(3 * H - S)).toBe(M);
  });

  it("stops once due", () => {
    expect(nextTickDelay(0)).toBeNull();
  });
});

describe("outcomeText", () => {
  const ended = { failure: null, cancelledBy: null };
  it("says how each ended request ended", () => {
    expect(outcomeText({ ...ended, status: "executed" })).toBe("Carried out");
    expect(outcomeText({ ...ended, status: "failed", failure: "The hold was already released" })).toBe("Could not be carried out: The hold was already released");
    expect(outcomeText({ ...ended, status: "cancelled", cancelledBy: { type: "user", id: "u", name: "Ada" } })).toBe("Cancelled by Ada");
    expect(outcomeText({ ...ended, status: "expired" })).toBe("Lapsed unapproved");
  });

  it("counts pending and approved as open, the rest as ended", () => {
    expect(isOpen({ status: "pending" })).toBe(true);
    expect(isOpen({ status: "approved" })).toBe(true);
    for (const status of ["executed", "failed", "cancelled", "expired"] as const) expect(isOpen({ status })).toBe(false);
  });
});
