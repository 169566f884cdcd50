import { describe, expect, it } from "vitest";
import { parseProcStatus, percentile, summarizeLatencies, table } from "./stats";

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("summarizes unsorted latencies", () => {
    expect(summarizeLatencies([5, 1, 3, 2, 4])).toEqual({ p50Ms: 3, p99Ms: 5, maxMs: 5 });
  });
});

describe("parseProcStatus", () => {
  it("reads VmRSS and VmHWM in bytes", () => {
    const text = "Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   81920 kB\nVmRSS:\t   40960 kB\n";
    expect(parseProcStatus(text)).toEqual({ rssBytes: 40960 * 1024, hwmBytes: 81920 * 1024 });
  });

  it("fails loudly when the fields are missing", () => {
    expect(() => parseProcStatus("Name:\tnode\n")).toThrow(/VmRSS/);
  });
});

describe("table", () => {
  it("pads the first column right and the others left", () => {
    const lines = table(["a", "n"], [["long name", 1], ["x", 123]]).split("\n");
    expect(lines).toEqual([`a${" ".repeat(12)}n`, `long name    1`, `x${" ".repeat(10)}123`]);
  });
});
