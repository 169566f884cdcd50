// Feeds one snapshot writer's new blobs to the sealer in batches and uploads the packs it returns,
// one PUT each. Memory is bounded: at most `maxInFlight` raw bytes handed to the sealer and not yet
// sealed, at most `maxUploads` packs being uploaded, and `backlogged` tells the caller to wait
// (`ready()`) before adding more. Small blobs travel many to a message: one message per blob cost
// more main-thread time than hashing them (benchmark profile: postMessage 1.6 s of 22 s).
import { fromHex } from "../hex";
import type { Codec } from "../compress";
import type { ObjectStore } from "../store/types";
import type { BlobEntry } from "./blob-table";
import { packKeyFor } from "./format";
import type { BlobBatch, SealedPack, SealStream, Sealer } from "./seal-pool";

export interface WrittenPack {
  packId: string;
  size: number;
  entries: BlobEntry[];
}

export interface PackWriterOptions {
  targetSize: number;
  retainUntil: Date;
  codec: Codec;
  /**
   * Packs uploading at once (default 1, plus one waiting): every pack in flight is ~24 MiB of
   * memory, and one PUT at a time kept up with sealing in the benchmark.
   */
  maxUploads?: number;
  /** Raw bytes handed to the sealer and not yet sealed (default 4 MiB: ~20 ms of sealing). */
  maxInFlight?: number;
  onPackWritten: (pack: WrittenPack) => Promise<void> | void;
}

/** A batch is sent once it holds this many bytes, and never holds much of a pack. */
const BATCH_BYTES = 1024 * 1024;

export class PackWriter {
  readonly #stream: SealStream;
  #batch: BlobBatch | null = null;
  readonly #batchBytes: number;
  #inFlight = 0;
  readonly #queue: SealedPack[] = [];
  #uploading = 0;
  #waiters: (() => void)[] = [];
  #error: Error | null = null;
  bytesUploaded = 0;
  packsUploaded = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly sealer: Sealer,
    private readonly opts: PackWriterOptions,
  ) {
    // Unsent bytes are lost in a crash; a pack's eighth keeps that well below the open pack.
    this.#batchBytes = Math.max(1, Math.min(BATCH_BYTES, Math.floor(opts.targetSize / 8)));
    this.#stream = sealer.openStream(
      { targetSize: opts.targetSize, codec: opts.codec },
      {
        pack: (p) => {
          this.#queue.push(p);
          this.#pump();
        },
        done: (bytes) => {
          this.#inFlight -= bytes;
          this.#wake();
        },
        error: (e) => this.#fail(e),
      },
    );
  }

  /** Adds one new (not yet stored) blob. `chunk` is copied before this returns. */
  add(id: Uint8Array, chunk: Uint8Array): void {
    this.#throwIfFailed();
    let b = this.#batch;
    if (b && !b.fits(chunk.length)) {
      this.#send();
      b = null;
    }
    b ??= this.#batch = this.sealer.newBatch(chunk.length);
    b.add(id, chunk);
    if (b.used >= this.#batchBytes || b.count === b.maxBlobs) this.#send();
  }

  /** True while the caller should stop adding (await `ready()`). */
  get backlogged(): boolean {
    return this.#inFlight > (this.opts.maxInFlight ?? 2 * 1024 * 1024) || this.#queue.length + this.#uploading > (this.opts.maxUploads ?? 1);
  }

  /** Resolves once there is room again; rejects if an upload or seal failed. */
  async ready(): Promise<void> {
    while (this.backlogged && this.#error === null) await this.#signal();
    this.#throwIfFailed();
  }

  /** Closes the open packs and waits until every pack is stored. */
  async flush(): Promise<void> {
    this.#throwIfFailed();
    this.#send();
    await this.#stream.flush();
    while ((this.#uploading > 0 || this.#queue.length > 0) && this.#error === null) await this.#signal();
    this.#throwIfFailed();
  }

  /** Releases the sealer's state for this writer (after a final flush, or to drop everything). */
  close(): void {
    this.#batch = null;
    this.#stream.close();
  }

  #send(): void {
    const b = this.#batch;
    this.#batch = null;
    if (!b || b.count === 0) return;
    this.#inFlight += b.used;
    this.#stream.send(b);
  }

  #pump(): void {
    while (this.#uploading < (this.opts.maxUploads ?? 1) && this.#queue.length > 0) {
      const p = this.#queue.shift() as SealedPack;
      this.#uploading++;
      this.#upload(p)
        .catch((e: unknown) => this.#fail(e instanceof Error ? e : new Error(String(e))))
        .finally(() => {
          p.release();
          this.#uploading--;
          this.#pump();
          this.#wake();
        });
    }
  }

  async #upload(p: SealedPack): Promise<void> {
    if (this.#error) return;
    await this.store.put(packKeyFor(p.packId), p.bytes, { retainUntil: this.opts.retainUntil, contentType: "application/octet-stream", sha256: fromHex(p.packId) });
    this.bytesUploaded += p.bytes.length;
    this.packsUploaded += 1;
    await this.opts.onPackWritten({ packId: p.packId, size: p.bytes.length, entries: p.entries });
  }

  #fail(e: Error): void {
    this.#error ??= e;
    this.#wake();
  }

  /** Resolves at the next event (a batch sealed, an upload finished, a failure). */
  #signal(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #throwIfFailed(): void {
    if (this.#error !== null) throw this.#error;
  }
}
