import { describe, expect, it } from "vitest";
import { drillItemsSummary, formatRestoreTime } from "./drills-format";

describe("formatRestoreTime", () => {
  it("keeps short restores exact and long ones readable", () => {
    expect(formatRestoreTime(null)).toBe("—");
    expect(formatRestoreTime(-5)).toBe("—");
    expect(formatRestoreTime(850)).toBe("850 ms");
    expect(formatRestoreTime(2_640)).toBe("2.6 s");
    expect(formatRestoreTime(4 * 60_000 + 10_000)).toBe("4 min");
    expect(formatRestoreTime(65 * 60_000)).toBe("1 h 5 min");
    expect(formatRestoreTime(120 * 60_000)).toBe("2 h");
  });
});

describe("drillItemsSummary", () => {
  it("says how many matched, or how many did not", () => {
    expect(drillItemsSummary({ itemsSampled: 12, itemsMatched: 12 })).toBe("12 of 12 matched the catalogue");
    expect(drillItemsSummary({ itemsSampled: 12, itemsMatched: 11 })).toBe("1 of 12 did not match the catalogue");
    expect(drillItemsSummary({ itemsSampled: 0, itemsMatched: 0 })).toBe("No items to sample");
  });
});
