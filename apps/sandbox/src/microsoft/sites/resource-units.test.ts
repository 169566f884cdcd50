import { describe, expect, it } from "vitest";
import { defaultResourceUnitsPerMinute, resourceUnitCost, ResourceUnits } from "./resource-units";

describe("SharePoint resource units", () => {
  it("uses the documented per-minute budgets by licence count", () => {
    expect([1, 1_000, 1_001, 5_001, 15_001, 50_001].map(defaultResourceUnitsPerMinute)).toEqual([1_200, 1_200, 2_400, 3_600, 4_800, 6_000]);
  });

  it("prices requests as documented", () => {
    const q = (s = "") => new URLSearchParams(s);
    expect(resourceUnitCost("GET", "/drives/b!x/items/1", q())).toBe(1);
    expect(resourceUnitCost("GET", "/drives/b!x/items/1/children", q())).toBe(2);
    expect(resourceUnitCost("GET", "/drives/b!x/root/delta", q())).toBe(2);
    expect(resourceUnitCost("GET", "/drives/b!x/root/delta", q("token=abc"))).toBe(1);
    expect(resourceUnitCost("PUT", "/drives/b!x/items/1/content", q())).toBe(2);
    expect(resourceUnitCost("GET", "/drives/b!x/items/1", q("$expand=permissions"))).toBe(5);
  });

  it("throttles an app past its budget until the window ends, counting throttled calls", () => {
    let now = 0;
    const ru = new ResourceUnits(() => 10, () => now);
    ru.configure({ resourceUnitsPerMinute: 4, windowSeconds: 60 });
    expect(ru.spend("app", 2).ok).toBe(true);
    expect(ru.spend("app", 2).ok).toBe(true);
    now = 15_000;
    expect(ru.spend("app", 1)).toEqual({ ok: false, retryAfter: 45 });
    expect(ru.spend("other", 1).ok).toBe(true);
    now = 60_000;
    expect(ru.spend("app", 4).ok).toBe(true);
  });
});
