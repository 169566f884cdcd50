// One backup run: items go in through putItem, commit() makes the snapshot visible
// (docs/vault-format.md §10). Safe to run alongside other writers: everything it writes has a
// fresh, content-derived name and nothing shared is modified.
import type { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { FastCdc, type ChunkerParams } from "../chunker/fastcdc";
import type { Codec } from "../compress";
import type { VaultKeys } from "../crypto/keys";
import { VaultError } from "../errors";
import { toHex } from "../hex";
import type { Sealer } from "../pack/seal-pool";
import { PackWriter, type WrittenPack } from "../pack/writer";
import { packKeyFor } from "../pack/format";
import type { BlobIndex } from "../repo-index/blob-index";
import { encodeIndex, indexKeyFor } from "../repo-index/index-file";
import { sealObject } from "../sealed";
import type { ObjectStore } from "../store/types";
import { encodeManifest, snapshotKeyFor, type ItemMeta, type SnapshotItem, type SnapshotManifest } from "./manifest";
import { CONFIG_KEY } from "../config";
import { extendLocks } from "./retention";

export interface SnapshotContext {
  store: ObjectStore;
  keys: VaultKeys;
  vaultId: string;
  index: BlobIndex;
  sealer: Sealer;
  chunker: ChunkerParams;
  packTargetSize: number;
  codec: Codec;
  indexEveryPacks: number;
  now: () => Date;
}

export interface StartSnapshotInput {
  source: string;
  unit: string;
  startedAt: Date;
  retainUntil: Date;
}

export interface ItemRef {
  path: string;
  size: number;
  blobs: string[];
}

export interface WriterStats {
  newBlobs: number;
  dedupedBlobs: number;
  packsUploaded: number;
  bytesUploaded: number;
  bytesIn: number;
}

export type ItemSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable;

export class SnapshotWriter {
  readonly #items = new Map<string, SnapshotItem>();
  /** Blobs this run added (id → pack once stored, "" while in a pack being built). */
  readonly #runBlobs = new Map<string, string>();
  readonly #runIndexes = new Set<string>();
  readonly #runPacks = new Set<string>();
  #pendingIndex: WrittenPack[] = [];
  #state: "open" | "committed" | "aborted" = "open";
  #queue: Promise<unknown> = Promise.resolve();
  readonly #packs: PackWriter;
  #chunker: FastCdc | null = null;
  readonly stats: WriterStats = { newBlobs: 0, dedupedBlobs: 0, packsUploaded: 0, bytesUploaded: 0, bytesIn: 0 };

  constructor(
    private readonly ctx: SnapshotContext,
    private readonly input: StartSnapshotInput,
  ) {
    if (!(input.retainUntil instanceof Date) || Number.isNaN(input.retainUntil.getTime())) throw new VaultError("retainUntil must be a valid Date");
    this.#packs = new PackWriter(ctx.store, ctx.keys, ctx.sealer, {
      targetSize: ctx.packTargetSize,
      retainUntil: input.retainUntil,
      codec: ctx.codec,
      onPackWritten: (p) => this.#onPackWritten(p),
    });
  }

  /** Streams one item in. Calls are serialised per writer; run several writers for parallelism. */
  putItem(path: string, source: ItemSource, meta: ItemMeta = {}): Promise<ItemRef> {
    const run = this.#queue.then(() => this.#putItem(path, source, meta));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #putItem(path: string, source: ItemSource, meta: ItemMeta): Promise<ItemRef> {
    this.#assertOpen();
    if (path.length === 0) throw new VaultError("item path must not be empty");
    if (this.#items.has(path)) throw new VaultError(`item ${path} was already added to this snapshot`);
    const chunker = (this.#chunker ??= new FastCdc(this.ctx.keys.gear, this.ctx.chunker));
    chunker.reset();
    const blobs: string[] = [];
    let size = 0;
    for await (const piece of source as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof piece === "string" ? Buffer.from(piece) : piece;
      size += bytes.length;
      for (const chunk of chunker.push(bytes)) await this.#addChunk(chunk, blobs);
    }
    for (const chunk of chunker.finish()) await this.#addChunk(chunk, blobs);
    this.stats.bytesIn += size;
    const item: SnapshotItem = { path, size, meta, blobs };
    this.#items.set(path, item);
    return { path, size, blobs };
  }

  async #addChunk(chunk: Uint8Array, blobs: string[]): Promise<void> {
    const id = this.ctx.keys.blobId(chunk);
    const hex = toHex(id);
    blobs.push(hex);
    if (this.#runBlobs.has(hex) || this.ctx.index.has(hex)) {
      this.stats.dedupedBlobs++;
      return;
    }
    this.#runBlobs.set(hex, "");
    this.stats.newBlobs++;
    await this.#packs.add(id, chunk);
  }

  async #onPackWritten(pack: WrittenPack): Promise<void> {
    this.#runPacks.add(pack.packId);
    for (const e of pack.entries) this.#runBlobs.set(toHex(e.id), pack.packId);
    this.#pendingIndex.push(pack);
    if (this.#pendingIndex.length >= this.ctx.indexEveryPacks) await this.#writeIndex();
  }

  async #writeIndex(): Promise<void> {
    const packs = this.#pendingIndex;
    this.#pendingIndex = [];
    if (packs.length === 0) return;
    const bytes = sealObject(this.ctx.keys, "index", encodeIndex(packs));
    const id = createHash("sha256").update(bytes).digest("hex");
    await this.ctx.store.put(indexKeyFor(id), bytes, { retainUntil: this.input.retainUntil });
    this.#runIndexes.add(id);
    this.ctx.index.addPacks(id, packs);
  }

  /**
   * Stores the open pack and indexes everything stored so far, so that a retried run (after a
   * crash) reuses all of it. Call it where the caller checkpoints its own progress.
   */
  checkpoint(): Promise<void> {
    const run = this.#queue.then(async () => {
      this.#assertOpen();
      await this.#packs.flush();
      await this.#writeIndex();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Re-adds an item stored by an earlier, crashed attempt of this run (its ref was checkpointed
   * by the caller) without reading its content again. Every blob must already be indexed.
   */
  addItemRef(ref: ItemRef, meta: ItemMeta = {}): Promise<ItemRef> {
    const run = this.#queue.then(async () => {
      this.#assertOpen();
      if (this.#items.has(ref.path)) throw new VaultError(`item ${ref.path} was already added to this snapshot`);
      await this.ctx.index.refresh(this.ctx.store, this.ctx.keys);
      const missing = ref.blobs.find((b) => !this.ctx.index.has(b) && !this.#runBlobs.has(b));
      if (missing !== undefined) throw new VaultError(`item ${ref.path}: blob ${missing} is not stored in this vault; put the item again`);
      this.#items.set(ref.path, { path: ref.path, size: ref.size, meta, blobs: [...ref.blobs] });
      this.stats.dedupedBlobs += ref.blobs.length;
      return ref;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes remaining packs and indexes, extends older locks, then the manifest (last). */
  async commit(): Promise<string> {
    await this.#queue;
    this.#assertOpen();
    this.#state = "committed";
    await this.#packs.flush();
    await this.#writeIndex();
    this.stats.packsUploaded = this.#packs.packsUploaded;
    this.stats.bytesUploaded = this.#packs.bytesUploaded;

    const packs = new Set<string>();
    const indexes = new Set<string>();
    for (const item of this.#items.values()) {
      for (const hex of item.blobs) {
        const loc = this.ctx.index.get(hex);
        if (!loc) throw new VaultError(`internal: blob ${hex} of ${item.path} is in no index`);
        packs.add(loc.packId);
      }
    }
    for (const p of packs) for (const i of this.ctx.index.packIndexes.get(p) ?? []) indexes.add(i);
    await this.#extendRetention(packs, indexes);

    const manifest: SnapshotManifest = {
      formatVersion: 1,
      vaultId: this.ctx.vaultId,
      source: this.input.source,
      unit: this.input.unit,
      startedAt: this.input.startedAt.toISOString(),
      committedAt: this.ctx.now().toISOString(),
      retainUntil: this.input.retainUntil.toISOString(),
      items: [...this.#items.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      packs: [...packs].sort(),
      indexes: [...indexes].sort(),
    };
    const bytes = sealObject(this.ctx.keys, "snapshot", encodeManifest(manifest));
    const id = createHash("sha256").update(bytes).digest("hex");
    await this.ctx.store.put(snapshotKeyFor(id), bytes, { retainUntil: this.input.retainUntil });
    return id;
  }

  /** Stops the run without a snapshot. Packs already stored are indexed so a later run reuses them. */
  async abort(): Promise<void> {
    await this.#queue;
    if (this.#state !== "open") return;
    this.#state = "aborted";
    try {
      await this.#packs.flush();
    } finally {
      await this.#writeIndex();
    }
  }

  async #extendRetention(packs: Set<string>, indexes: Set<string>): Promise<void> {
    const keys = [
      ...[...packs].filter((p) => !this.#runPacks.has(p)).map(packKeyFor),
      ...[...indexes].filter((i) => !this.#runIndexes.has(i)).map(indexKeyFor),
      CONFIG_KEY,
    ];
    await extendLocks(this.ctx.store, keys, this.input.retainUntil);
  }

  #assertOpen(): void {
    if (this.#state !== "open") throw new VaultError(`snapshot writer is ${this.#state}`);
  }
}
