// Builds one pack's bytes in place: sealed blobs are copied into a single buffer as soon as they
// (and every blob before them) are sealed, so a pack costs its own size in memory, not twice that.
import type { BlobEntry } from "./blob-table";
import type { SealedBlob } from "./blob-seal";
import { PACK_HEADER, packHeader, sealTableAndTrailer } from "./format";

interface Slot {
  id: Uint8Array;
  rawLength: number;
  sealed: SealedBlob | null;
}

export class PackAssembler {
  readonly #slots: Slot[] = [];
  readonly entries: BlobEntry[] = [];
  #buf: Uint8Array;
  #len: number;
  #placed = 0;
  /** Bytes of sealed blobs already known (placed or waiting for an earlier blob). */
  sealedBytes = 0;

  constructor(
    readonly salt: Uint8Array,
    readonly key: Uint8Array,
    capacity: number,
  ) {
    this.#buf = new Uint8Array(Math.max(capacity, PACK_HEADER + 1024));
    this.#buf.set(packHeader(salt), 0);
    this.#len = PACK_HEADER;
  }

  get blobCount(): number {
    return this.#slots.length;
  }

  /** Reserves the next ordinal (1-based) for a blob being sealed. */
  reserve(id: Uint8Array, rawLength: number): { ordinal: number; fill: (s: SealedBlob) => void } {
    const slot: Slot = { id, rawLength, sealed: null };
    this.#slots.push(slot);
    return {
      ordinal: this.#slots.length,
      fill: (s) => {
        slot.sealed = s;
        this.sealedBytes += s.sealed.length;
        this.#drain();
      },
    };
  }

  #drain(): void {
    for (let slot = this.#slots[this.#placed]; slot?.sealed; slot = this.#slots[this.#placed]) {
      const s = slot.sealed;
      this.#ensure(this.#len + s.sealed.length);
      this.#buf.set(s.sealed, this.#len);
      this.entries.push({ id: slot.id, ordinal: this.#placed + 1, offset: this.#len, storedLength: s.sealed.length, rawLength: slot.rawLength, codec: s.codec });
      this.#len += s.sealed.length;
      slot.sealed = null; // the bytes now live in the pack buffer
      this.#placed++;
    }
  }

  #ensure(size: number): void {
    if (size <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(size, Math.ceil(this.#buf.length * 1.25)));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Every reserved blob must have been filled. Returns the complete pack. */
  finish(): Uint8Array {
    if (this.#placed !== this.#slots.length) throw new Error("internal: pack finished with blobs still being sealed");
    const tail = sealTableAndTrailer(this.key, this.#buf.subarray(0, PACK_HEADER), this.entries);
    this.#ensure(this.#len + tail.length);
    this.#buf.set(tail, this.#len);
    this.#len += tail.length;
    return this.#buf.subarray(0, this.#len);
  }
}
