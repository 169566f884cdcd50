// Hands verified chunks to the writer (writer-source.ts) in batches: one writer thread per lane,
// each file always on the same lane so its writes and its end happen in order on one thread, and
// a byte budget on what has been handed over but not yet written (the memory a slow disk can
// hold back). With `writers: 0` the same writer code runs on the calling thread.
import { createRequire } from "node:module";
import { runInThisContext } from "node:vm";
import { Worker } from "node:worker_threads";
import type { SnapshotItem } from "../snapshot/manifest";
import { WRITER_SOURCE, WRITER_WORKER_SOURCE } from "./writer-source";

export const PARTIAL_SUFFIX = ".holdfast-partial";

/** damaged: a vault object failed its checks; unreadable: the store refused or is unreachable; exists: the target file exists; io: local disk. */
export type FailureKind = "damaged" | "unreadable" | "exists" | "io";

export interface FileFailure {
  kind: FailureKind;
  /** The object (`data/…`, `snapshots/…`) or local file at fault. */
  object: string;
  reason: string;
}

export interface RestoreFile {
  readonly id: number;
  readonly item: SnapshotItem;
  readonly dest: string;
  readonly temp: string;
  /** Positional writes planned for the file (0 for an empty item). */
  writes: number;
  /** Planned writes not yet handed to the writer or skipped. */
  remaining: number;
  /** A failure found on this side (unreadable blob, unplannable item); the writer then deletes the partial. */
  failure?: FileFailure;
  /** Set when the writer has finished the file: null when it was renamed into place. */
  outcome?: FileFailure | null;
}

type Op = { o: "file"; f: number; temp: string; dest: string; size: number; writes: number } | { o: "w"; f: number; c: number; at: number } | { o: "end"; f: number; fail?: FileFailure };

interface Message {
  seq: number;
  bytes: number;
  written: number;
  chunks: Uint8Array[];
  ops: Op[];
}

interface Posted {
  message: Message;
  /** Buffers handed over rather than copied (their chunks are detached here afterwards). */
  transfer: ArrayBuffer[];
}

interface Reply {
  seq: number;
  bytes: number;
  written: number;
  done: ({ f: number } & Partial<FileFailure>)[];
}

interface WriterConfig {
  root: string;
  overwrite: boolean;
  checkExisting: boolean;
  maxOpenFiles: number;
}

interface Writer {
  handle(m: Message): Reply;
  abandon(): void;
}

interface Lane {
  post(p: Posted): void;
  /** Closes and deletes the partials of files not finished yet, then stops. */
  abandon(): Promise<void>;
  close(): Promise<void>;
}

class ThreadLane implements Lane {
  readonly #worker: Worker;
  #closing = false;
  #abandoned: (() => void) | undefined;

  constructor(config: WriterConfig, onReply: (r: Reply) => void, onDeath: (e: Error) => void) {
    // The writer allocates little but message copies: a small young generation keeps its RSS down.
    this.#worker = new Worker(WRITER_WORKER_SOURCE, { eval: true, workerData: config, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.#worker.on("message", (m: Reply | "abandoned") => (m === "abandoned" ? this.#abandoned?.() : onReply(m)));
    this.#worker.on("error", (e) => onDeath(e));
    this.#worker.on("exit", (code) => {
      if (!this.#closing) onDeath(new Error(`restore writer thread exited with code ${code}`));
    });
  }

  post(p: Posted): void {
    this.#worker.postMessage(p.message, p.transfer);
  }

  abandon(): Promise<void> {
    return new Promise((done) => {
      this.#abandoned = done;
      this.#worker.postMessage("abandon");
      setTimeout(done, 5000).unref();
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#worker.terminate();
  }
}

let inlineFactory: ((req: NodeJS.Require, config: WriterConfig) => Writer) | undefined;

class InlineLane implements Lane {
  readonly #writer: Writer;

  constructor(
    config: WriterConfig,
    private readonly onReply: (r: Reply) => void,
  ) {
    inlineFactory ??= runInThisContext(WRITER_SOURCE) as (req: NodeJS.Require, config: WriterConfig) => Writer;
    this.#writer = inlineFactory(createRequire(import.meta.url), config);
  }

  post(p: Posted): void {
    const reply = this.#writer.handle(p.message);
    setImmediate(() => this.onReply(reply));
  }

  abandon(): Promise<void> {
    this.#writer.abandon();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class Batch {
  readonly ops: Op[] = [];
  readonly chunks: Uint8Array[] = [];
  readonly transfer: ArrayBuffer[] = [];
  readonly #index = new Map<Uint8Array, number>();
  bytes = 0;
  written = 0;

  /** `sole`: this is the chunk's only destination, so its buffer may be handed over instead of copied. */
  chunk(c: Uint8Array, sole: boolean): number {
    // No blob is empty: a chunk without bytes was detached by an earlier hand-over, and Node would
    // silently drop a message transferring it again. Fail loudly instead of hanging.
    if (c.byteLength === 0) throw new Error("internal: a restored chunk was handed to a writer thread twice");
    let i = this.#index.get(c);
    if (i === undefined) {
      const owns = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength;
      // Structured clone copies a view's whole underlying buffer: send exactly the chunk's bytes.
      this.chunks.push(owns ? c : c.slice());
      if (owns && sole && c.buffer instanceof ArrayBuffer) this.transfer.push(c.buffer);
      this.#index.set(c, (i = this.chunks.length - 1));
      this.bytes += c.length;
    }
    this.written += c.length;
    return i;
  }
}

export interface WriterPoolOptions extends WriterConfig {
  /** Writer threads; 0 writes on the calling thread. */
  writers: number;
  /** Bytes handed to writers and not yet written, beyond which `write` waits. */
  maxPendingBytes: number;
  onFinished: (file: RestoreFile) => void;
  onWritten: (bytes: number) => void;
}

const FLUSH_OPS = 2048;
const FLUSH_BYTES = 4 * 1024 * 1024;

export class WriterPool {
  readonly #lanes: { lane: Lane; batch: Batch }[] = [];
  readonly #waiting = new Map<number, RestoreFile>();
  readonly #waiters: (() => void)[] = [];
  readonly #introduced = new Set<number>();
  #pending = 0;
  #seq = 0;
  #death: Error | undefined;
  #drained: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly opts: WriterPoolOptions) {
    const config: WriterConfig = { root: opts.root, overwrite: opts.overwrite, checkExisting: opts.checkExisting, maxOpenFiles: opts.maxOpenFiles };
    const onReply = (r: Reply) => this.#onReply(r);
    const onDeath = (e: Error) => this.#onDeath(e);
    for (let i = 0; i < Math.max(1, opts.writers); i++) {
      const lane = opts.writers > 0 ? new ThreadLane(config, onReply, onDeath) : new InlineLane(config, onReply);
      this.#lanes.push({ lane, batch: new Batch() });
    }
  }

  /** Registers a file; one with nothing to write (empty, or already failed) is finished at once. */
  add(file: RestoreFile): void {
    this.#waiting.set(file.id, file);
    if (file.failure) {
      file.outcome = file.failure;
      this.#finished(file);
      return;
    }
    this.#ended(file);
  }

  /**
   * Queues one planned write; waits while too many bytes are handed over and not yet written.
   * `sole`: the chunk goes nowhere else, so a writer thread may take its buffer (it is detached here).
   */
  async write(file: RestoreFile, chunk: Uint8Array, at: number, sole = false): Promise<void> {
    if (this.#death) throw this.#death;
    if (!file.failure) {
      while (this.#pending > 0 && this.#pending + this.#unflushed() + chunk.length > this.opts.maxPendingBytes) {
        this.flush();
        await new Promise<void>((go) => this.#waiters.push(go));
        const death = this.#death as Error | undefined;
        if (death) throw death;
      }
      const lane = this.#laneOf(file);
      this.#introduce(file, lane.batch);
      lane.batch.ops.push({ o: "w", f: file.id, c: lane.batch.chunk(chunk, sole && this.opts.writers > 0), at });
      if (lane.batch.ops.length >= FLUSH_OPS || lane.batch.bytes >= FLUSH_BYTES) this.#post(lane);
    }
    file.remaining--;
    this.#ended(file);
  }

  /** A planned write that will not happen: its blob could not be read. */
  skip(file: RestoreFile, failure: FileFailure): void {
    file.failure ??= failure;
    file.remaining--;
    this.#ended(file);
  }

  flush(): void {
    for (const lane of this.#lanes) if (lane.batch.ops.length > 0) this.#post(lane);
  }

  /** Resolves once every added file is finished; rejects if a writer thread died. */
  drained(): Promise<void> {
    this.flush();
    if (this.#death) return Promise.reject(this.#death);
    if (this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => (this.#drained = { resolve, reject }));
  }

  /** Stops the writers; after a failure, first has them delete the partials of unfinished files. */
  async close(): Promise<void> {
    if (this.#waiting.size > 0) await Promise.all(this.#lanes.map((l) => l.lane.abandon()));
    await Promise.all(this.#lanes.map((l) => l.lane.close()));
  }

  #laneOf(file: RestoreFile): { lane: Lane; batch: Batch } {
    return this.#lanes[file.id % this.#lanes.length] as { lane: Lane; batch: Batch };
  }

  #unflushed(): number {
    let n = 0;
    for (const l of this.#lanes) n += l.batch.bytes;
    return n;
  }

  /** The writer learns of a file with its first op, not all files up front (51k records idle in memory). */
  #introduce(file: RestoreFile, batch: Batch): void {
    if (this.#introduced.has(file.id)) return;
    this.#introduced.add(file.id);
    batch.ops.push({ o: "file", f: file.id, temp: file.temp, dest: file.dest, size: file.item.size, writes: file.writes });
  }

  #ended(file: RestoreFile): void {
    if (file.remaining > 0) return;
    file.remaining = -1; // end queued once
    const { batch } = this.#laneOf(file);
    this.#introduce(file, batch);
    this.#introduced.delete(file.id);
    batch.ops.push(file.failure ? { o: "end", f: file.id, fail: file.failure } : { o: "end", f: file.id });
  }

  #post(lane: { lane: Lane; batch: Batch }): void {
    const b = lane.batch;
    lane.batch = new Batch();
    try {
      if (b.chunks.some((c) => c.byteLength === 0)) throw new Error("internal: a restored chunk was handed to a writer thread twice");
      lane.lane.post({ message: { seq: ++this.#seq, bytes: b.bytes, written: b.written, chunks: b.chunks, ops: b.ops }, transfer: b.transfer });
      this.#pending += b.bytes;
    } catch (e) {
      // A batch that cannot be handed over leaves its files unfinishable: stop the restore.
      const death = e instanceof Error ? e : new Error(String(e));
      this.#onDeath(death);
      throw death;
    }
  }

  #onReply(r: Reply): void {
    this.#pending -= r.bytes;
    this.opts.onWritten(r.written);
    for (const d of r.done) {
      const file = this.#waiting.get(d.f);
      if (!file) continue;
      file.outcome = d.kind === undefined ? null : { kind: d.kind, object: d.object ?? file.dest, reason: d.reason ?? "" };
      this.#finished(file);
    }
    for (const go of this.#waiters.splice(0)) go();
  }

  #finished(file: RestoreFile): void {
    this.#waiting.delete(file.id);
    this.opts.onFinished(file);
    if (this.#waiting.size === 0) this.#drained?.resolve();
  }

  #onDeath(e: Error): void {
    this.#death ??= e;
    for (const go of this.#waiters.splice(0)) go();
    this.#drained?.reject(this.#death);
  }
}
