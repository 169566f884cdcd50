import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../testing";
import { FastCdc, type ChunkerParams } from "./fastcdc";

const P: ChunkerParams = { minSize: 4096, avgSize: 16384, maxSize: 65536 };
const gear = new Uint32Array(randomBytes(1024).buffer);

/** Chunks `data` fed in pieces of `piece` bytes; chunks are copied (the chunker hands out views). */
function chunk(data: Uint8Array, piece: number, params = P, lastFlag = false): Uint8Array[] {
  const c = new FastCdc(gear, params);
  const out: Uint8Array[] = [];
  const emit = (x: Uint8Array) => out.push(x.slice());
  for (let i = 0; i < data.length; i += piece) {
    const end = Math.min(data.length, i + piece);
    c.push(data.subarray(i, end), emit, lastFlag && end === data.length);
  }
  if (!lastFlag || data.length === 0) c.finish(emit);
  return out;
}

/** docs/vault-format.md §4, transcribed literally: the reference the streaming chunker must match. */
function referenceCuts(data: Uint8Array, p: ChunkerParams): number[] {
  const bits = Math.round(Math.log2(p.avgSize));
  const maskS = (0xffffffff << (32 - (bits + 2))) >>> 0;
  const maskL = (0xffffffff << (32 - (bits - 2))) >>> 0;
  const cut = (start: number, n: number): number => {
    if (n <= p.minSize) return n;
    let h = 0;
    let i = p.minSize;
    for (; i < Math.min(p.avgSize, n); i++) {
      h = ((h << 1) + (gear[data[start + i] as number] as number)) >>> 0;
      if ((h & maskS) === 0) return i + 1;
    }
    for (; i < Math.min(p.maxSize, n); i++) {
      h = ((h << 1) + (gear[data[start + i] as number] as number)) >>> 0;
      if ((h & maskL) === 0) return i + 1;
    }
    return Math.min(p.maxSize, n);
  };
  const sizes: number[] = [];
  for (let at = 0; at < data.length; ) {
    const n = cut(at, data.length - at);
    sizes.push(n);
    at += n;
  }
  return sizes;
}

const hex = (c: Uint8Array) => Buffer.from(c).toString("hex");

describe("FastCDC", () => {
  const data = pseudoRandomBytes(7, 2 * 1024 * 1024);

  it("cuts exactly where the documented algorithm does, however the stream is split", () => {
    const expected = referenceCuts(data, P);
    expect(expected.length).toBeGreaterThan(20);
    for (const piece of [1, 1000, 4096, 4097, 65536, 65537, 100_003, data.length]) {
      expect(chunk(data, piece).map((c) => c.length), `piece ${piece}`).toEqual(expected);
      expect(chunk(data, piece, P, true).map((c) => c.length), `piece ${piece}, last flag`).toEqual(expected);
    }
    expect(Buffer.concat(chunk(data, 7777)).equals(data)).toBe(true);
    expect(Buffer.concat(chunk(data, 7777, P, true)).equals(data)).toBe(true);
  });

  it("matches the reference on repetitive data too (max-size cuts across piece boundaries)", () => {
    const mixed = new Uint8Array(600_000);
    mixed.set(pseudoRandomBytes(3, 150_000), 200_000);
    const expected = referenceCuts(mixed, P);
    for (const piece of [333, 65536, 70_000, mixed.length]) expect(chunk(mixed, piece).map((c) => c.length)).toEqual(expected);
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

  it("hands out views of a whole-item piece instead of copies", () => {
    const c = new FastCdc(gear, P);
    const views: Uint8Array[] = [];
    c.push(data, (x) => views.push(x), true);
    expect(views.length).toBeGreaterThan(1);
    for (const v of views) expect(v.buffer).toBe(data.buffer);
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
