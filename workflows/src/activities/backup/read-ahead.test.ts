import type { ItemContent, ItemDescriptor } from "@holdfast/connectors";
import { describe, expect, it } from "vitest";
import { ReadAhead, readAheadLimits, SourceReadError, type EarlyRead } from "./read-ahead";

const KiB = 1024;

const item = (n: number, size?: number): ItemDescriptor => ({
  externalId: `m${n}`,
  kind: "message",
  path: `/INBOX/m${n}`,
  name: `m${n}`,
  version: "1",
  hasContent: true,
  metadata: {},
  ...(size === undefined ? {} : { size }),
});

const PATTERN = Uint8Array.from({ length: 251 + 1024 * KiB }, (_, i) => i % 251);
/** `n` bytes, byte i = (start + i) % 251 (a copy: the consumer may keep it). */
const pattern = (start: number, n: number): Uint8Array => PATTERN.slice(start % 251, (start % 251) + n);

/** A body of `total` bytes (byte i = (seed + i) % 251) in `piece`-byte pieces; counts what was pulled and whether it was closed. */
function body(seed: number, total: number, piece: number, seen: { pulled: number; closed: boolean; failAt?: number }): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let at = 0; at < total; at += piece) {
          await new Promise((r) => setImmediate(r));
          if (seen.failAt !== undefined && at >= seen.failAt) throw new Error("connection reset mid-body");
          const n = Math.min(piece, total - at);
          seen.pulled += n;
          yield pattern(seed + at, n);
        }
      } finally {
        seen.closed = true;
      }
    },
  };
}

async function drain(r: EarlyRead): Promise<Uint8Array> {
  if (!r.ok) throw new Error("expected content");
  const parts: Uint8Array[] = [];
  for await (const p of r.content.body) parts.push(p);
  r.release();
  return Buffer.concat(parts);
}

const expected = (seed: number, total: number) => pattern(seed, total);


/** Polls until `cond` holds (up to 10 s): for states reached by background reads, whatever the machine's load. */
async function until(cond: () => boolean): Promise<void> {
  for (let waited = 0; !cond(); waited += 5) {
    if (waited > 10_000) throw new Error("condition not reached within 10 s");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("ReadAhead", () => {
  it("keeps `reads` reads in flight and hands each item's bytes over whole, in the order asked", async () => {
    const items = Array.from({ length: 12 }, (_, i) => item(i));
    let inFlight = 0;
    let maxInFlight = 0;
    const read = async (it: ItemDescriptor): Promise<ItemContent> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Later items answer sooner: completion order is not page order.
      await new Promise((r) => setTimeout(r, 30 - Number(it.externalId.slice(1)) * 2));
      inFlight--;
      const n = Number(it.externalId.slice(1));
      return { contentType: "message/rfc822", body: body(n, 3000 + n, 1000, { pulled: 0, closed: false }) };
    };
    const ahead = new ReadAhead(items, { reads: 4, maxItemBytes: 64 * KiB, maxBufferedBytes: 1024 * KiB }, read);
    for (const [n, it] of items.entries()) {
      const early = ahead.take(it);
      expect(early).toBeDefined();
      expect(await drain(await (early as Promise<EarlyRead>))).toEqual(Buffer.from(expected(n, 3000 + n)));
    }
    await ahead.close();
    expect(maxInFlight).toBe(4);
  });

  it("buffers ahead within its byte budget, however large the items, and streams the rest at the item's turn", async () => {
    const seen = Array.from({ length: 8 }, () => ({ pulled: 0, closed: false }));
    const items = Array.from({ length: 8 }, (_, i) => item(i));
    const limits = { reads: 4, maxItemBytes: 16 * KiB, maxBufferedBytes: 32 * KiB };
    const ahead = new ReadAhead(items, limits, (it) => {
      const n = Number(it.externalId.slice(1));
      return Promise.resolve({ contentType: "application/octet-stream", body: body(n, 64 * KiB, 4 * KiB, seen[n] ?? { pulled: 0, closed: false }) });
    });
    let maxBuffered = 0;
    // On a loaded machine the first fill can take longer than the 20 ms pauses below: wait for it.
    await until(() => ahead.bufferedBytes >= limits.maxBufferedBytes);
    for (const [n, it] of items.entries()) {
      // Give the reads ahead time to fill whatever the budget lets them.
      await new Promise((r) => setTimeout(r, 20));
      const pulledAhead = seen.reduce((s, x) => s + x.pulled, 0) - n * 64 * KiB;
      maxBuffered = Math.max(maxBuffered, ahead.bufferedBytes);
      // The budget, plus at most the one piece per item that crossed it.
      expect(ahead.bufferedBytes).toBeLessThanOrEqual(limits.maxBufferedBytes + limits.reads * 4 * KiB);
      expect(pulledAhead).toBeLessThanOrEqual(limits.maxBufferedBytes + limits.reads * 4 * KiB);
      const early = await (ahead.take(it) as Promise<EarlyRead>);
      expect(Buffer.from(expected(n, 64 * KiB)).equals(await drain(early))).toBe(true);
    }
    await ahead.close();
    expect(maxBuffered).toBeGreaterThanOrEqual(limits.maxBufferedBytes); // it did read ahead
    expect(ahead.bufferedBytes).toBe(0);
  });

  it("hands a failed read over at its turn without rejecting, and closing cancels the reads under way and closes their streams", async () => {
    const items = Array.from({ length: 6 }, (_, i) => item(i));
    const aborted: string[] = [];
    const started = new Set<string>();
    const seen = Array.from({ length: 6 }, () => ({ pulled: 0, closed: false }));
    const read = (it: ItemDescriptor, signal: AbortSignal): Promise<ItemContent> => {
      started.add(it.externalId);
      const n = Number(it.externalId.slice(1));
      if (n === 0) return Promise.reject(new Error("rejected before the body"));
      if (n === 1) return Promise.resolve({ contentType: "x/y", body: body(n, 10 * KiB, KiB, { ...(seen[n] ?? { pulled: 0, closed: false }), failAt: 4 * KiB }) });
      if (n === 2) return Promise.resolve({ contentType: "x/y", body: body(n, 600 * KiB, 64 * KiB, seen[n] ?? { pulled: 0, closed: false }) }); // larger than maxItemBytes: stays open
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          aborted.push(it.externalId);
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        }),
      );
    };
    const ahead = new ReadAhead(items, { reads: 4, maxItemBytes: 128 * KiB, maxBufferedBytes: 1024 * KiB }, read);
    const first = await (ahead.take(items[0] as ItemDescriptor) as Promise<EarlyRead>);
    expect(first.ok).toBe(false);
    expect(!first.ok && (first.error as Error).message).toBe("rejected before the body");
    const second = await (ahead.take(items[1] as ItemDescriptor) as Promise<EarlyRead>);
    expect(!second.ok && second.error).toBeInstanceOf(SourceReadError);
    await until(() => started.has("m5"));
    await ahead.close(); // item 2 was never taken; 3, 4 and 5 are still waiting
    expect(aborted.sort()).toEqual(["m3", "m4", "m5"]);
    expect(seen[2]?.closed).toBe(true);
    expect(seen[2]?.pulled).toBeLessThan(600 * KiB);
    expect(ahead.bufferedBytes).toBe(0);
    expect(ahead.take(items[3] as ItemDescriptor)).toBeUndefined();
  });

  it("defaults to 4 reads ahead and refuses limits out of range by name", () => {
    expect(readAheadLimits()).toEqual({ reads: 4, maxItemBytes: 4 * 1024 * KiB, maxBufferedBytes: 32 * 1024 * KiB });
    expect(readAheadLimits({ reads: 0 }).reads).toBe(0);
    expect(() => readAheadLimits({ reads: 2.5 })).toThrow(/readAhead\.reads/);
    expect(() => readAheadLimits({ maxBufferedBytes: -1 })).toThrow(/readAhead\.maxBufferedBytes/);
  });
});
