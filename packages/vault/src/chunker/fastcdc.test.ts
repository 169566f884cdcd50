import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../testing";
import { FastCdc, type ChunkerParams } from "./fastcdc";

const P: ChunkerParams = { minSize: 4096, avgSize: 16384, maxSize: 65536 };
const gear = new Uint32Array(randomBytes(1024).buffer);

function chunk(data: Uint8Array, piece: number, params = P): Uint8Array[] {
  const c = new FastCdc(gear, params);
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += piece) out.push(...c.push(data.subarray(i, i + piece)));
  out.push(...c.finish());
  return out;
}

const hex = (c: Uint8Array) => Buffer.from(c).toString("hex");

describe("FastCDC", () => {
  const data = pseudoRandomBytes(7, 2 * 1024 * 1024);

  it("chunks identically however the stream is split, and reassembles exactly", () => {
    const whole = chunk(data, data.length).map((c) => c.length);
    for (const piece of [1000, 4096, 65536, 100_003]) expect(chunk(data, piece).map((c) => c.length)).toEqual(whole);
    expect(Buffer.concat(chunk(data, 7777)).equals(data)).toBe(true);
  });

  it("respects min/max and averages near the target", () => {
    const sizes = chunk(data, 65536).map((c) => c.length);
    sizes.slice(0, -1).forEach((s) => {
      expect(s).toBeGreaterThan(P.minSize);
      expect(s).toBeLessThanOrEqual(P.maxSize);
    });
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(P.minSize * 2);
    expect(mean).toBeLessThan(P.avgSize * 2);
  });

  it("cuts at max on data with no boundaries and emits small inputs whole", () => {
    expect(chunk(new Uint8Array(200_000), 10_000).map((c) => c.length)).toEqual([65536, 65536, 65536, 3392]);
    expect(chunk(new Uint8Array(100), 100).map((c) => c.length)).toEqual([100]);
    expect(chunk(new Uint8Array(0), 100)).toEqual([]);
  });

  it("is content-defined: inserting bytes near the start changes only nearby chunks", () => {
    const before = chunk(data, 65536).map(hex);
    const edited = new Uint8Array(data.length + 10);
    edited.set(data.subarray(0, 5000), 0);
    edited.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5000);
    edited.set(data.subarray(5000), 5010);
    const after = chunk(edited, 65536).map(hex);
    const shared = after.filter((h) => before.includes(h)).length;
    expect(before.length - shared).toBeLessThanOrEqual(2);
    expect(after.length - shared).toBeLessThanOrEqual(2);
  });
});
