import { describe, expect, it } from "vitest";
import { budgetCeiling, budgetRateUse, budgetUse, unitsPerItem, counterDelta, isContentDownload, methodDelta, mibPerSecond, perSecond, routeKey, steadyWindows, windowsBetween, type UsageWindow } from "./stats";

const w = (user: string, start: number, units: number, refused = 0): UsageWindow => ({ user, start, end: start + 60_000, units, calls: units / 5, refused, open: false });

describe("budget use", () => {
  it("leaves out each user's first and last window and averages the rest against the budget", () => {
    const windows = [w("a", 0, 100), w("a", 60_000, 900), w("a", 120_000, 1_000), w("a", 180_000, 50), w("b", 5_000, 200), w("b", 65_000, 800), w("b", 125_000, 10)];
    expect(steadyWindows(windows).map((x) => [x.user, x.units])).toEqual([
      ["a", 900],
      ["a", 1_000],
      ["b", 800],
    ]);
    const use = budgetUse(windows, 1_000);
    expect(use.steadyWindows).toBe(3);
    expect(use.windows).toBe(7);
    expect(use.fraction).toBeCloseTo(0.9);
    expect(use.min).toBeCloseTo(0.8);
    expect(use.max).toBeCloseTo(1);
    expect(use.fractionAll).toBeCloseTo(3_060 / 7_000);
    expect(use.exceeded).toBe(false);
  });

  it("counts 429s in every window, flags a window over budget, and has no steady figure with two windows per user", () => {
    const use = budgetUse([w("a", 0, 500, 2), w("a", 60_000, 1_200, 1)], 1_000);
    expect(use.fraction).toBeNull();
    expect(use.refused).toBe(3);
    expect(use.exceeded).toBe(true);
    expect(use.fractionAll).toBeCloseTo(0.85);
    expect(() => budgetUse([], 0)).toThrow(/budget must be positive/);
  });

  it("selects the windows that started in a phase, order of users not assumed", () => {
    const all = [w("b", 10, 1), w("a", 0, 1), w("a", 100, 1), w("a", 200, 1)];
    expect(windowsBetween(all, 10, 200).map((x) => x.start)).toEqual([10, 100]);
  });

  it("the budget ceiling is the items/s a caller gets when every unit goes to one kind of call", () => {
    // 2,400 units per user per minute at 5 units per messages.get is 8 gets/s per user.
    expect(budgetCeiling(2_400, 60, 5, 3)).toBeCloseTo(24);
    expect(budgetCeiling(15_000, 60, 25, 1)).toBeCloseTo(10);
  });
});

describe("rate-based budget use and cost per item", () => {
  it("units over what the budget allowed in the elapsed time, for every user", () => {
    // 3 users × 900 units per 60 s for 120 s allow 5,400 units.
    expect(budgetRateUse(5_130, 120_000, 900, 60, 3)).toBeCloseTo(0.95);
    expect(() => budgetRateUse(1, 0, 900, 60, 3)).toThrow(/positive/);
  });

  it("units per item over every method", () => {
    const methods = { "messages.get": { calls: 20, units: 100, refused: 0 }, "messages.list": { calls: 1, units: 5, refused: 0 } };
    expect(unitsPerItem(methods, 10)).toBeCloseTo(10.5);
    expect(unitsPerItem(methods, 0)).toBeNull();
  });
});

describe("deltas", () => {
  it("per method: what was spent between two snapshots, zeros dropped", () => {
    const before = { "messages.get": { calls: 10, units: 50, refused: 0 }, getProfile: { calls: 1, units: 1, refused: 0 } };
    const after = { "messages.get": { calls: 10, units: 50, refused: 0 }, getProfile: { calls: 3, units: 3, refused: 0 }, "history.list": { calls: 2, units: 4, refused: 1 } };
    expect(methodDelta(before, after)).toEqual({ getProfile: { calls: 2, units: 2, refused: 0 }, "history.list": { calls: 2, units: 4, refused: 1 } });
    expect(() => methodDelta(after, before)).toThrow(/went backwards/);
  });

  it("plain counters", () => {
    expect(
      counterDelta(
        new Map([
          ["x", 1],
          ["y", 2],
        ]),
        new Map([
          ["x", 1],
          ["y", 5],
          ["z", 1],
        ]),
      ),
    ).toEqual({ y: 3, z: 1 });
  });

  it("rates", () => {
    expect(perSecond(300, 60_000)).toBe(5);
    expect(mibPerSecond(10 * 2 ** 20, 2_000)).toBe(5);
    expect(() => perSecond(1, 0)).toThrow(/positive/);
  });
});

describe("route keys", () => {
  it("names Gmail, Drive and Calendar calls without their ids, keeping what selects content", () => {
    expect(routeKey("GET", "/gmail/v1/users/alice%40x.test/messages/18c2f0a1b2c3d4e5?format=raw")).toBe("GET /gmail/v1/users/:id/messages/:id format=raw");
    expect(routeKey("GET", "/gmail/v1/users/me/messages?maxResults=500")).toBe("GET /gmail/v1/users/me/messages");
    expect(routeKey("GET", "/gmail/v1/users/alice@x.test/history?startHistoryId=12")).toBe("GET /gmail/v1/users/:id/history");
    expect(routeKey("GET", "/drive/v3/files/1AbCdEfGh?alt=media")).toBe("GET /drive/v3/files/:id alt=media");
    expect(routeKey("GET", "/drive/v3/changes?pageToken=5")).toBe("GET /drive/v3/changes");
    expect(routeKey("GET", "/calendar/v3/calendars/primary/events?syncToken=x")).toBe("GET /calendar/v3/calendars/:id/events");
  });

  it("content downloads are raw or full messages, attachments, media and exports — not metadata", () => {
    expect(isContentDownload("GET /gmail/v1/users/:id/messages/:id format=raw")).toBe(true);
    expect(isContentDownload("GET /gmail/v1/users/:id/messages/:id")).toBe(true);
    expect(isContentDownload("GET /gmail/v1/users/:id/messages/:id/attachments/:id")).toBe(true);
    expect(isContentDownload("GET /drive/v3/files/:id alt=media")).toBe(true);
    expect(isContentDownload("GET /drive/v3/files/:id/export")).toBe(true);
    expect(isContentDownload("GET /gmail/v1/users/:id/messages/:id format=metadata")).toBe(false);
    expect(isContentDownload("GET /gmail/v1/users/:id/messages")).toBe(false);
    expect(isContentDownload("GET /drive/v3/files/:id")).toBe(false);
  });
});
