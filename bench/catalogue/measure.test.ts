import { describe, expect, it } from "vitest";
import { figures, percentile, rng } from "./measure";

describe("catalogue bench figures", () => {
  it("uses nearest-rank percentiles", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });

  it("summarises samples and repeats its random inputs for a seed", () => {
    const f = figures("x", [{ ms: 3, rows: 1 }, { ms: 1, rows: 3 }]);
    expect([f.p50, f.max, f.meanRows]).toEqual([1, 3, 2]);
    const a = rng(7);
    const b = rng(7);
    expect([a(), a()]).toEqual([b(), b()]);
  });
});
