// A small worker_threads pool that compresses and encrypts blobs, so chunking/hashing on the main
// thread and sealing in workers keep both cores busy on large ingest.
import { Worker } from "node:worker_threads";
import { zstdModulePath } from "../compress";
import { sealBlob, type SealBlobInput, type SealedBlob } from "./blob-seal";
import { SEAL_WORKER_SOURCE } from "./seal-worker-source";

export interface Sealer {
  seal(input: SealBlobInput): Promise<SealedBlob>;
  close(): Promise<void>;
}

/** Seals on the calling thread (small vaults, tests, and the baseline for the benchmark). */
export class InlineSealer implements Sealer {
  seal(input: SealBlobInput): Promise<SealedBlob> {
    return Promise.resolve(sealBlob(input));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface Pending {
  resolve: (r: SealedBlob) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

interface WorkerReply {
  seq: number;
  codec?: number;
  sealed?: Uint8Array;
  error?: string;
}

export class WorkerSealer implements Sealer {
  readonly #slots: Slot[] = [];
  #seq = 0;
  #closed = false;

  /** `source` replaces the worker script (tests inject faults with it). */
  constructor(
    size: number,
    private readonly source: string = SEAL_WORKER_SOURCE,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const worker = new Worker(this.source, { eval: true, workerData: { zstdPath: zstdModulePath } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on("message", (m: WorkerReply) => this.#onReply(slot, m));
    worker.on("error", (e) => this.#failAll(slot, e));
    // A worker that dies (crash, OOM) is replaced so later seals do not wait on it forever.
    worker.on("exit", (code) => {
      this.#failAll(slot, new Error(`seal worker exited with code ${code}`));
      const i = this.#slots.indexOf(slot);
      if (!this.#closed && i >= 0) this.#slots[i] = this.#spawn();
    });
    worker.unref();
    return slot;
  }

  seal(input: SealBlobInput): Promise<SealedBlob> {
    if (this.#closed) return Promise.reject(new Error("seal pool is closed"));
    const slot = this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const seq = ++this.#seq;
    return new Promise<SealedBlob>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(seq, { resolve, reject });
      // The chunk is handed over (transferred) when it owns its whole buffer; else copied.
      const owns = input.chunk.byteOffset === 0 && input.chunk.byteLength === input.chunk.buffer.byteLength;
      const transfer = owns && input.chunk.buffer instanceof ArrayBuffer ? [input.chunk.buffer] : [];
      slot.worker.postMessage({ seq, ...input }, transfer);
    });
  }

  #onReply(slot: Slot, m: WorkerReply): void {
    const p = slot.pending.get(m.seq);
    if (!p) return;
    slot.pending.delete(m.seq);
    if (slot.pending.size === 0) slot.worker.unref();
    if (m.error !== undefined || m.sealed === undefined || m.codec === undefined) p.reject(new Error(`seal worker: ${m.error ?? "bad reply"}`));
    else p.resolve({ codec: m.codec, sealed: m.sealed });
  }

  #failAll(slot: Slot, e: Error): void {
    for (const p of slot.pending.values()) p.reject(e);
    slot.pending.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}
