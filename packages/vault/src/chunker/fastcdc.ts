// FastCDC with a 32-bit gear hash and normalised chunking (docs/vault-format.md §4). Streaming:
// memory is one buffer of maxSize plus the chunks handed out.

export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 512 * 1024, avgSize: 1024 * 1024, maxSize: 8 * 1024 * 1024 };

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
  #buf: Uint8Array;
  #len = 0;
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

  /** Feed bytes; returns the chunks completed by them (each a fresh copy the caller owns). */
  push(data: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    while (off < data.length) {
      const take = Math.min(data.length - off, this.#max - this.#len);
      if (this.#len + take > this.#buf.length) this.#grow(this.#len + take);
      this.#buf.set(data.subarray(off, off + take), this.#len);
      this.#len += take;
      off += take;
      for (let cut = this.#scan(); cut > 0; cut = this.#scan()) out.push(this.#emit(cut));
    }
    return out;
  }

  /** End of stream: the remaining bytes (if any) form the last chunk. The chunker is then reset. */
  finish(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.#len > 0) out.push(this.#emit(this.#len));
    return out;
  }

  /** Drops any buffered bytes (an item that failed mid-stream). */
  reset(): void {
    this.#len = 0;
    this.#h = 0;
    this.#pos = this.#min;
  }

  #grow(need: number): void {
    let size = this.#buf.length;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(this.#max, size));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Returns a cut length, or 0 when more data is needed. */
  #scan(): number {
    const len = this.#len;
    if (len <= this.#min) return 0;
    const buf = this.#buf;
    const gear = this.#gear;
    let h = this.#h;
    let i = this.#pos;
    const normal = Math.min(this.#avg, len);
    const maskS = this.#maskS;
    for (; i < normal; i++) {
      h = ((h << 1) + (gear[buf[i] as number] as number)) >>> 0;
      if ((h & maskS) === 0) return i + 1;
    }
    const end = Math.min(this.#max, len);
    const maskL = this.#maskL;
    for (; i < end; i++) {
      h = ((h << 1) + (gear[buf[i] as number] as number)) >>> 0;
      if ((h & maskL) === 0) return i + 1;
    }
    if (len >= this.#max) return this.#max;
    this.#h = h;
    this.#pos = i;
    return 0;
  }

  #emit(cut: number): Uint8Array {
    const chunk = this.#buf.slice(0, cut);
    this.#buf.copyWithin(0, cut, this.#len);
    this.#len -= cut;
    this.#h = 0;
    this.#pos = this.#min;
    return chunk;
  }
}
