import { describe, expect, it } from "vitest";
import { parseMaxRss } from "./measure";

describe("parseMaxRss", () => {
  it("reads GNU time's peak RSS in bytes", () => {
    const out = '\tCommand being timed: "restic backup ."\n\tMaximum resident set size (kbytes): 123456\n\tAverage stack size (kbytes): 0\n';
    expect(parseMaxRss(out)).toBe(123456 * 1024);
  });
  it("refuses output without it", () => {
    expect(() => parseMaxRss("nothing")).toThrow(/Maximum resident set size/);
  });
});
