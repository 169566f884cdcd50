// Where blobs are sealed into packs: a pool of worker threads (WorkerSealer), or the calling thread
// (InlineSealer, `workers: 0`). Both run the same seal core (seal-worker-source.ts) and speak the
// same messages; this side routes each snapshot writer's batches to the least busy lane and hands
// finished packs back to the writer. Batches and packs move between threads as transferred
// buffers, never copies, and both kinds of buffer are recycled.
import { createRequire } from "node:module";
import { runInThisContext } from "node:vm";
import { Worker } from "node:worker_threads";
import { zstdBindingPath, type Codec } from "../compress";
import { decodeTable, type BlobEntry } from "./blob-table";
import { SEAL_CORE_SOURCE, SEAL_WORKER_SOURCE } from "./seal-worker-source";

const BATCH_SLOT = 36;

/**
 * Blobs for one message, in one buffer: `maxBlobs` slots of (id[32] | rawLength u32 LE) from
 * offset 0, then the plaintexts back to back from `dataOffset` (room for `capacity` bytes).
 */
export class BlobBatch {
  count = 0;
  used = 0;
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  readonly dataOffset: number;

  constructor(
    readonly buf: ArrayBuffer,
    readonly maxBlobs: number,
  ) {
    this.bytes = new Uint8Array(buf);
    this.#view = new DataView(buf);
    this.dataOffset = maxBlobs * BATCH_SLOT;
  }

  get capacity(): number {
    return this.buf.byteLength - this.dataOffset;
  }

  fits(length: number): boolean {
    return this.count < this.maxBlobs && this.used + length <= this.capacity;
  }

  add(id: Uint8Array, chunk: Uint8Array): void {
    this.bytes.set(id, this.count * BATCH_SLOT);
    this.#view.setUint32(this.count * BATCH_SLOT + 32, chunk.length, true);
    this.bytes.set(chunk, this.dataOffset + this.used);
    this.used += chunk.length;
    this.count++;
  }
}

export interface SealedPack {
  packId: string;
  /** The complete pack; valid until `release()`. */
  bytes: Uint8Array;
  entries: BlobEntry[];
  /** Hands the pack's buffer back to the lane that built it (call once the upload is done). */
  release(): void;
}

export interface SealStreamEvents {
  pack(p: SealedPack): void;
  /** A batch's bytes were sealed (or failed): they no longer count against the writer's budget. */
  done(bytes: number): void;
  error(e: Error): void;
}

export interface SealStream {
  /** Hands the batch over (its buffers are transferred: do not touch them afterwards). */
  send(batch: BlobBatch): void;
  /** Closes the stream's open packs; resolves once every pack was delivered through `pack`. */
  flush(): Promise<void>;
  close(): void;
}

export interface Sealer {
  openStream(opts: { targetSize: number; codec: Codec }, events: SealStreamEvents): SealStream;
  /** An empty batch with room for at least `size` bytes (a recycled buffer when it fits). */
  newBatch(size: number): BlobBatch;
  close(): Promise<void>;
}

type CoreMessage =
  | { t: "pack"; s: number; packId: string; buf: ArrayBuffer; len: number; table: ArrayBuffer; tableLen: number }
  | { t: "done"; s: number; seq: number; bytes: number; buf: ArrayBuffer }
  | { t: "flushed"; s: number; seq: number }
  | { t: "error"; s: number; seq?: number; message: string };

interface Lane {
  post(message: object, transfer: ArrayBuffer[]): void;
  /** Raw bytes sent and not yet sealed, over all streams (for load balancing). */
  pending: number;
  terminate(): Promise<void>;
}

interface StreamState {
  events: SealStreamEvents;
  opts: { targetSize: number; codec: Codec };
  lanes: Set<Lane>;
  batches: Map<number, { lane: Lane; bytes: number }>;
  flushes: Map<number, { lanes: Set<Lane>; resolve: () => void; reject: (e: Error) => void }>;
}

/** Recycled batches hold up to this many bytes and blobs; a larger chunk gets a buffer of its own. */
const BATCH_CAPACITY = 2 * 1024 * 1024;
const BATCH_BLOBS = 1024;
const BATCH_BUFFER = BATCH_BLOBS * BATCH_SLOT + BATCH_CAPACITY;
/** Batch buffers kept for reuse (the writer's default budget is 2 MiB in flight, ~1 MiB a batch). */
const BATCH_POOL = 4;

abstract class LaneSealer implements Sealer {
  protected readonly lanes: Lane[] = [];
  readonly #streams = new Map<number, StreamState>();
  readonly #pool: ArrayBuffer[] = [];
  #nextStream = 0;
  #seq = 0;
  protected closed = false;

  protected constructor(
    protected readonly master: Uint8Array,
    /** The largest blob (the chunker's maxSize): packs are sized to take one past their target. */
    protected readonly maxBlob: number,
  ) {}

  openStream(opts: { targetSize: number; codec: Codec }, events: SealStreamEvents): SealStream {
    if (this.closed) throw new Error("seal pool is closed");
    const id = ++this.#nextStream;
    const st: StreamState = { events, opts, lanes: new Set(), batches: new Map(), flushes: new Map() };
    this.#streams.set(id, st);
    return {
      send: (batch) => this.#send(id, st, batch),
      flush: () => this.#flush(id, st),
      close: () => {
        for (const lane of st.lanes) lane.post({ t: "close", s: id }, []);
        this.#streams.delete(id);
      },
    };
  }

  newBatch(size: number): BlobBatch {
    if (size <= BATCH_CAPACITY) return new BlobBatch(this.#pool.pop() ?? new ArrayBuffer(BATCH_BUFFER), BATCH_BLOBS);
    return new BlobBatch(new ArrayBuffer(BATCH_SLOT + size), 1);
  }

  #send(id: number, st: StreamState, batch: BlobBatch): void {
    if (this.closed) throw new Error("seal pool is closed");
    const lane = this.lanes.reduce((a, b) => (b.pending < a.pending ? b : a));
    if (!st.lanes.has(lane)) {
      st.lanes.add(lane);
      lane.post({ t: "open", s: id, targetSize: st.opts.targetSize, codec: st.opts.codec }, []);
    }
    const seq = ++this.#seq;
    const bytes = batch.used;
    st.batches.set(seq, { lane, bytes });
    lane.pending += bytes;
    lane.post({ t: "blobs", s: id, seq, n: batch.count, buf: batch.buf, dataOffset: batch.dataOffset, dataLength: bytes }, [batch.buf]);
  }

  #flush(id: number, st: StreamState): Promise<void> {
    if (st.lanes.size === 0) return Promise.resolve();
    const seq = ++this.#seq;
    return new Promise<void>((resolve, reject) => {
      st.flushes.set(seq, { lanes: new Set(st.lanes), resolve, reject });
      for (const lane of st.lanes) lane.post({ t: "flush", s: id, seq }, []);
    });
  }

  protected onMessage(lane: Lane, m: CoreMessage): void {
    const st = this.#streams.get(m.s);
    switch (m.t) {
      case "done": {
        const b = st?.batches.get(m.seq);
        if (b) {
          st?.batches.delete(m.seq);
          lane.pending -= b.bytes;
        }
        if (m.buf.byteLength === BATCH_BUFFER && this.#pool.length < BATCH_POOL) this.#pool.push(m.buf);
        st?.events.done(b?.bytes ?? 0);
        return;
      }
      case "pack": {
        // The buffer must go back whatever happens to the pack: the core counts what it lent.
        let released = false;
        const release = () => {
          if (released || this.closed || !this.lanes.includes(lane)) return;
          released = true;
          lane.post({ t: "spare", buf: m.buf }, [m.buf]);
        };
        if (!st) return release();
        const bytes = new Uint8Array(m.buf, 0, m.len);
        let entries: BlobEntry[];
        try {
          // The table buffer is ours (transferred): the entries' ids can point into it.
          entries = decodeTable(`pack ${m.packId}`, new Uint8Array(m.table, 0, m.tableLen), true);
        } catch (e) {
          release();
          st.events.error(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        st.events.pack({ packId: m.packId, bytes, entries, release });
        return;
      }
      case "flushed": {
        const f = st?.flushes.get(m.seq);
        if (!f) return;
        f.lanes.delete(lane);
        if (f.lanes.size === 0) {
          st?.flushes.delete(m.seq);
          f.resolve();
        }
        return;
      }
      case "error": {
        const err = new Error(`seal worker: ${m.message}`);
        if (!st) return;
        const b = m.seq === undefined ? undefined : st.batches.get(m.seq);
        if (b && m.seq !== undefined) {
          st.batches.delete(m.seq);
          lane.pending -= b.bytes;
        }
        const f = m.seq === undefined ? undefined : st.flushes.get(m.seq);
        if (f && m.seq !== undefined) {
          st.flushes.delete(m.seq);
          f.reject(err);
        }
        st.events.error(err);
        if (b) st.events.done(b.bytes);
      }
    }
  }

  /** A lane died (its open packs with it): every stream that used it fails; later streams get the replacement. */
  protected laneFailed(lane: Lane, err: Error): void {
    for (const st of this.#streams.values()) {
      if (!st.lanes.has(lane)) continue;
      st.lanes.delete(lane);
      for (const [seq, b] of st.batches) {
        if (b.lane !== lane) continue;
        st.batches.delete(seq);
        st.events.done(b.bytes);
      }
      for (const [seq, f] of st.flushes) {
        if (!f.lanes.has(lane)) continue;
        st.flushes.delete(seq);
        f.reject(err);
      }
      st.events.error(err);
    }
    lane.pending = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.lanes.map((l) => l.terminate()));
  }
}

/** Seals on the calling thread: the same core, run synchronously (tests, tiny vaults). */
export class InlineSealer extends LaneSealer {
  constructor(master: Uint8Array, maxBlob: number) {
    super(master, maxBlob);
    const factory = runInThisContext(`(function () {${SEAL_CORE_SOURCE}\nreturn createSealCore;\n})()`, { filename: "holdfast-seal-core.js" }) as (
      req: NodeJS.Require,
      init: { master: Uint8Array; zstdBindingPath: string | null; maxBlob: number },
      post: (m: CoreMessage) => void,
    ) => { handle(m: object): void };
    // Replies are delivered after the core returns, so a handler never re-enters it.
    const replies: CoreMessage[] = [];
    const core = factory(createRequire(import.meta.url), { master, zstdBindingPath, maxBlob }, (m) => replies.push(m));
    const lane: Lane = {
      pending: 0,
      post: (m) => {
        core.handle(m);
        for (let r = replies.shift(); r !== undefined; r = replies.shift()) this.onMessage(lane, r);
      },
      terminate: () => Promise.resolve(),
    };
    this.lanes.push(lane);
  }
}

/** A small worker_threads pool: the calling thread chunks, hashes and uploads, the workers seal. */
export class WorkerSealer extends LaneSealer {
  /** `source` replaces the worker script (tests inject faults with it). */
  constructor(
    size: number,
    master: Uint8Array,
    maxBlob: number,
    private readonly source: string = SEAL_WORKER_SOURCE,
  ) {
    super(master, maxBlob);
    for (let i = 0; i < Math.max(1, size); i++) this.lanes.push(this.#spawn());
  }

  #spawn(): Lane {
    // A small young generation: the worker's garbage is mostly encryption output buffers, which
    // V8 frees at a young-generation GC; the default let ~64 MiB of them accumulate (measured).
    const worker = new Worker(this.source, { eval: true, workerData: { master: this.master, zstdBindingPath, maxBlob: this.maxBlob }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    let outstanding = 0;
    const lane: Lane = {
      pending: 0,
      post: (m, transfer) => {
        const t = (m as { t: string }).t;
        if ((t === "blobs" || t === "flush") && outstanding++ === 0) worker.ref();
        worker.postMessage(m, transfer);
      },
      terminate: async () => {
        await worker.terminate();
      },
    };
    worker.on("message", (m: CoreMessage) => {
      if ((m.t === "done" || m.t === "flushed" || m.t === "error") && --outstanding === 0) worker.unref();
      this.onMessage(lane, m);
    });
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      this.laneFailed(lane, e);
      // A worker that died (crash, OOM) is replaced so later streams do not wait on it forever.
      const i = this.lanes.indexOf(lane);
      if (!this.closed && i >= 0) this.lanes[i] = this.#spawn();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`seal worker exited with code ${code}`)));
    worker.unref();
    return lane;
  }
}
