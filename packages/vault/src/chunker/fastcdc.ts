// FastCDC with a 32-bit gear hash and normalised chunking (docs/vault-format.md §4). Streaming and
// copy-free where it can be: chunks that lie inside one input piece are handed out as views of
// that piece, and only a chunk that spans pieces is assembled in the chunker's buffer (at most
// maxSize). Nothing is ever shifted: profiling showed the old copy-in/copy-out/copyWithin scheme
// moving up to 8× the input through memory on large items.

export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 512 * 1024, avgSize: 1024 * 1024, maxSize: 8 * 1024 * 1024 };

/**
 * Receives each chunk as a view that is valid only during the call (it points into the caller's
 * piece or into the chunker's buffer): copy what must outlive it.
 */
export type ChunkSink = (chunk: Uint8Array) => void;

/** Top `bits` bits of a 32-bit word: bit k of the gear hash depends on the last k+1 bytes. */
function highMask(bits: number): number {
  return (0xffffffff << (32 - bits)) >>> 0;
}

export class FastCdc {
  readonly #gear: Uint32Array;
  readonly #min: number;
  readonly #avg: number;
  readonly #max: number;
  readonly #maskS: number;
  readonly #maskL: number;
  /** The start of a chunk that continues in the next piece (only ever < maxSize bytes). */
  #buf: Uint8Array;
  #len = 0;
  /** Scan state of the current chunk: next position to hash (from the chunk start) and the hash. */
  #pos: number;
  #h = 0;

  constructor(gear: Uint32Array, params: ChunkerParams = DEFAULT_CHUNKER) {
    if (gear.length !== 256) throw new Error("gear table must have 256 entries");
    const { minSize, avgSize, maxSize } = params;
    if (!(minSize > 0 && minSize < avgSize && avgSize < maxSize)) throw new Error("chunker needs 0 < min < avg < max");
    const bits = Math.round(Math.log2(avgSize));
    this.#gear = gear;
    this.#min = minSize;
    this.#avg = avgSize;
    this.#max = maxSize;
    this.#maskS = highMask(bits + 2);
    this.#maskL = highMask(bits - 2);
    // Grown on demand up to maxSize: most items are small, and a chunker is reused per writer.
    this.#buf = new Uint8Array(Math.min(maxSize, 256 * 1024));
    this.#pos = minSize;
  }

  /**
   * Feeds the next piece of the stream; `emit` gets every chunk it completes. With `last`, the
   * piece ends the stream (as if `finish` followed) and its tail is emitted without a copy.
   */
  push(data: Uint8Array, emit: ChunkSink, last = false): void {
    let off = 0;
    if (this.#len > 0) {
      // A chunk started in an earlier piece: append until it is cut or this piece runs out.
      while (off < data.length) {
        const take = Math.min(data.length - off, this.#max - this.#len);
        this.#ensure(this.#len + take);
        this.#buf.set(data.subarray(off, off + take), this.#len);
        this.#len += take;
        off += take;
        const cut = this.#scan(this.#buf, 0, this.#len);
        if (cut > 0) {
          emit(this.#buf.subarray(0, cut));
          // The cut always lies in the bytes just appended (the scan had found none before them),
          // so everything after it is still in `data`: continue from there, in place.
          off -= this.#len - cut;
          this.reset();
          break;
        }
      }
      if (this.#len > 0) {
        if (last) this.finish(emit);
        return;
      }
    }
    while (off < data.length) {
      const cut = this.#scan(data, off, data.length - off);
      if (cut === 0) break;
      emit(data.subarray(off, off + cut));
      off += cut;
      this.#h = 0;
      this.#pos = this.#min;
    }
    if (off === data.length) return;
    if (last) {
      emit(data.subarray(off));
      this.reset();
      return;
    }
    // Keep the unfinished tail (< maxSize); the scan state already covers it.
    this.#ensure(data.length - off);
    this.#buf.set(data.subarray(off), 0);
    this.#len = data.length - off;
  }

  /** End of stream: the remaining bytes (if any) form the last chunk. The chunker is then reset. */
  finish(emit: ChunkSink): void {
    if (this.#len > 0) emit(this.#buf.subarray(0, this.#len));
    this.reset();
  }

  /** Drops any buffered bytes (an item that failed mid-stream). */
  reset(): void {
    this.#len = 0;
    this.#h = 0;
    this.#pos = this.#min;
  }

  #ensure(need: number): void {
    if (need <= this.#buf.length) return;
    let size = this.#buf.length;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(this.#max, size));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Cut length for the chunk starting at `buf[start]` with `n` bytes available, or 0 when more are needed. */
  #scan(buf: Uint8Array, start: number, n: number): number {
    if (n <= this.#min) return 0;
    const gear = this.#gear;
    let h = this.#h;
    let i = this.#pos;
    const normal = Math.min(this.#avg, n);
    const maskS = this.#maskS;
    for (; i < normal; i++) {
      h = ((h << 1) + (gear[buf[start + i] as number] as number)) >>> 0;
      if ((h & maskS) === 0) return i + 1;
    }
    const end = Math.min(this.#max, n);
    const maskL = this.#maskL;
    for (; i < end; i++) {
      h = ((h << 1) + (gear[buf[start + i] as number] as number)) >>> 0;
      if ((h & maskL) === 0) return i + 1;
    }
    if (n >= this.#max) return this.#max;
    this.#h = h;
    this.#pos = i;
    return 0;
  }
}
