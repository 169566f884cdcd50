// Reads a page's items ahead of their turn, a few at a time, so that a unit's provider reads
// overlap instead of waiting on each other (docs/adr/0009, "Reading ahead within a segment").
//
// Only the provider side runs ahead. The vault's snapshot writer takes one item at a time, and the
// segment keeps deciding items strictly in page order: it takes each early read at the item's turn
// and stores it then. A read made ahead is the item's first attempt; it never rejects — its error
// is handed over at the item's turn, where the segment treats it exactly as if it had just happened.
// Memory stays bounded: at most `reads` items are fetched ahead, each buffered up to
// `maxItemBytes`, all of them together up to `maxBufferedBytes` (each may overshoot by the one
// piece that crossed the line). An item whose body does not fit keeps the rest of its stream open
// (paused by back-pressure) and is streamed from there at its turn; an item whose listed size is
// above `maxItemBytes` is not read ahead at all.
import type { ItemContent, ItemDescriptor } from "@holdfast/connectors";

export interface ReadAheadLimits {
  /** Items read ahead of the one being stored, at most (0: none, every read waits for its turn). */
  reads: number;
  /** Bytes of one item's body buffered ahead of its turn. */
  maxItemBytes: number;
  /** Bytes buffered ahead for all items together. */
  maxBufferedBytes: number;
}

const MiB = 1024 * 1024;

/** 4 reads ahead (the "at most 4 concurrent requests per mailbox"), 4 MiB each, 32 MiB in all. */
export const DEFAULT_READ_AHEAD: Readonly<ReadAheadLimits> = { reads: 4, maxItemBytes: 4 * MiB, maxBufferedBytes: 32 * MiB };

/** The limits with `overrides` applied; a value out of range is refused by name. */
export function readAheadLimits(overrides: Partial<ReadAheadLimits> = {}): ReadAheadLimits {
  const limits = { ...DEFAULT_READ_AHEAD, ...overrides };
  if (!Number.isInteger(limits.reads) || limits.reads < 0 || limits.reads > 64) throw new Error(`readAhead.reads must be an integer from 0 to 64, not ${limits.reads}`);
  for (const key of ["maxItemBytes", "maxBufferedBytes"] as const) {
    if (!Number.isFinite(limits[key]) || limits[key] < 0) throw new Error(`readAhead.${key} must be a number of bytes, not ${limits[key]}`);
  }
  return limits;
}

/** An error raised while the provider's bytes were being read (as opposed to the vault's writing). */
export class SourceReadError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/**
 * The first attempt at reading an item, made ahead of its turn. `error` is what `readItem` threw,
 * or a SourceReadError when the body failed while being buffered. `release` gives back the
 * buffered bytes' share of the budget once the item is stored (or dropped).
 */
export type EarlyRead = ({ ok: true; content: ItemContent } | { ok: false; error: unknown }) & { release: () => void; discard: () => Promise<void> };

interface Entry {
  index: number;
  item: ItemDescriptor;
  result: Promise<EarlyRead>;
}

type Reader = (item: ItemDescriptor, signal: AbortSignal) => Promise<ItemContent>;

/** Closes a provider stream that will not be read to its end; never throws. */
async function closeQuietly(it: AsyncIterator<Uint8Array> | null): Promise<void> {
  try {
    await it?.return?.();
  } catch {
    // Closing is best effort: the stream is abandoned either way.
  }
}

/** Replays the buffered pieces, then the rest of the stream; closes the stream if abandoned. */
async function* replay(pieces: Uint8Array[], rest: AsyncIterator<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  let finished = rest === null;
  try {
    for (let piece = pieces.shift(); piece !== undefined; piece = pieces.shift()) yield piece;
    if (rest === null) return;
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) await closeQuietly(rest);
  }
}

export class ReadAhead {
  readonly #items: readonly ItemDescriptor[];
  readonly #limits: ReadAheadLimits;
  readonly #read: Reader;
  readonly #controller = new AbortController();
  readonly #signal: AbortSignal;
  /** Started and not yet taken, in page order. */
  readonly #pending: Entry[] = [];
  #next = 0;
  /** Reads started and not finished (the request, then buffering its body). */
  #active = 0;
  #buffered = 0;
  #closed = false;

  /** `items`: the page's items that will be read, in the order their turns come. */
  constructor(items: readonly ItemDescriptor[], limits: ReadAheadLimits, read: Reader, signal?: AbortSignal) {
    this.#items = items;
    this.#limits = limits;
    this.#read = read;
    this.#signal = signal ? AbortSignal.any([signal, this.#controller.signal]) : this.#controller.signal;
    this.#pump();
  }

  /** Bytes currently buffered ahead (for tests and figures). */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * The early read of `item`, now that its turn has come; undefined when it was not read ahead
   * (the caller reads it itself). Early reads of items listed before it that were never taken
   * are dropped.
   */
  take(item: ItemDescriptor): Promise<EarlyRead> | undefined {
    if (this.#closed || this.#limits.reads <= 0) return undefined;
    const at = this.#pending.findIndex((e) => e.item === item);
    if (at < 0) {
      const queued = this.#items.indexOf(item, this.#next);
      if (queued >= 0) {
        // Its turn came before its read started (not expected; the window is always the next
        // items): everything before it is no longer wanted.
        for (const e of this.#pending.splice(0)) void this.#drop(e);
        this.#next = queued + 1;
        this.#pump();
      }
      return undefined;
    }
    const before = this.#pending.splice(0, at + 1);
    const entry = before.pop();
    for (const e of before) void this.#drop(e);
    this.#pump();
    return entry?.result;
  }

  /** Cancels the reads still under way and drops what was read ahead and not taken. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#controller.abort(new Error("the segment stopped reading ahead"));
    const dropped = this.#pending.splice(0);
    await Promise.all(dropped.map((e) => this.#drop(e)));
  }

  /** Never rejects. */
  async #drop(entry: Entry): Promise<void> {
    const r = await entry.result;
    r.release();
    await r.discard();
  }

  #pump(): void {
    // Both bounds: `reads` reads under way (a taken item's may still be), and `reads` items held.
    while (!this.#closed && !this.#signal.aborted && this.#pending.length < this.#limits.reads && this.#active < this.#limits.reads && this.#next < this.#items.length) {
      const index = this.#next++;
      const item = this.#items[index];
      if (item === undefined) break;
      this.#active++;
      const result = this.#fetch(item).finally(() => {
        this.#active--;
        this.#pump();
      });
      this.#pending.push({ index, item, result });
    }
  }

  async #fetch(item: ItemDescriptor): Promise<EarlyRead> {
    let reserved = 0;
    const release = (): void => {
      this.#buffered -= reserved;
      reserved = 0;
    };
    let content: ItemContent;
    try {
      content = await this.#read(item, this.#signal);
    } catch (error) {
      return { ok: false, error, release, discard: () => Promise.resolve() };
    }
    const it = content.body[Symbol.asyncIterator]();
    const pieces: Uint8Array[] = [];
    let rest: AsyncIterator<Uint8Array> | null = it;
    const fits = content.size === undefined || content.size <= this.#limits.maxItemBytes;
    try {
      while (fits && !this.#closed && reserved < this.#limits.maxItemBytes && this.#buffered < this.#limits.maxBufferedBytes) {
        const next = await it.next();
        if (next.done) {
          rest = null;
          break;
        }
        pieces.push(next.value);
        reserved += next.value.byteLength;
        this.#buffered += next.value.byteLength;
      }
    } catch (e) {
      release();
      return { ok: false, error: new SourceReadError(e), release, discard: () => Promise.resolve() };
    }
    const open = rest;
    // Closes the provider's stream of a read nobody will take (a not-started generator's
    // `return` would not reach it).
    const discard = async (): Promise<void> => {
      pieces.length = 0;
      await closeQuietly(open);
    };
    return { ok: true, content: { ...content, body: replay(pieces, rest) }, release, discard };
  }
}
