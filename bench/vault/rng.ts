// Deterministic randomness for the corpus and its mutation: the same seed gives the same bytes on
// every machine, so two benchmark runs (and restic vs ours) see identical data.
import { createCipheriv, createHash } from "node:crypto";

/** sfc32: small, fast, good enough for choosing files and offsets (not for keys). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly seed: string;

  constructor(seed: string) {
    this.seed = seed;
    const h = createHash("sha256").update(seed).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  /** A keystream labelled by `label`: AES-256-CTR over zeros runs at GB/s, a JS PRNG would not. */
  stream(label: string): ByteStream {
    return new ByteStream(`${this.seed}/${label}`);
  }
}

export class ByteStream {
  private readonly cipher;

  constructor(seed: string) {
    const key = createHash("sha256").update(`key:${seed}`).digest();
    const iv = createHash("sha256").update(`iv:${seed}`).digest().subarray(0, 16);
    this.cipher = createCipheriv("aes-256-ctr", key, iv);
  }

  bytes(n: number): Buffer {
    return this.cipher.update(Buffer.alloc(n));
  }
}
