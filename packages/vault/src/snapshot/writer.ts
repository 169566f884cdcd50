// One backup run: items go in through putItem (or carryOver from the parent snapshot), commit()
// makes the snapshot visible (docs/vault-format.md §10). Safe to run alongside other writers:
// everything it writes has a fresh, content-derived name and nothing shared is modified.
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
import { snapshotKeyFor, type ItemMeta, type SnapshotItem, type SnapshotManifest } from "./manifest";
import { sealManifest } from "./seal-manifest";
import { CONFIG_KEY } from "../config";
import { listErasureKeys } from "../erasure/ledger";
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
  /**
   * The snapshot this run continues from (normally the unit's previous one). Its items can be
   * re-added unread with `carryOver`; its manifest and indexes are loaded once, at start.
   */
  parent?: string;
}

/** The parent snapshot as the writer sees it: items by path. */
export interface ParentSnapshot {
  id: string;
  items: ReadonlyMap<string, SnapshotItem>;
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
  /** Bytes read through putItem. */
  bytesIn: number;
  /** Items (and their bytes) re-added from the parent snapshot without reading them. */
  carriedItems: number;
  carriedBytes: number;
}

/**
 * An item's content: the whole of it (one buffer), or its pieces in order. A piece must not be
 * modified until the next one is requested (the writer reads it in place).
 */
export type ItemSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable;

const YIELD_EVERY_MS = 4;

export class SnapshotWriter {
  /** Items by path; null while an item is being put (claimed at the call, so duplicates fail at once). */
  readonly #items = new Map<string, SnapshotItem | null>();
  /** Blobs this run added (stored, or in a pack being built). */
  readonly #runBlobs = new Set<string>();
  readonly #runIndexes = new Set<string>();
  readonly #runPacks = new Set<string>();
  #pendingIndex: WrittenPack[] = [];
  #state: "open" | "committed" | "aborted" = "open";
  #queue: Promise<unknown> = Promise.resolve();
  readonly #packs: PackWriter;
  #chunker: FastCdc | null = null;
  #lastYield = performance.now();
  readonly stats: WriterStats = { newBlobs: 0, dedupedBlobs: 0, packsUploaded: 0, bytesUploaded: 0, bytesIn: 0, carriedItems: 0, carriedBytes: 0 };

  constructor(
    private readonly ctx: SnapshotContext,
    private readonly input: StartSnapshotInput,
    private readonly parent?: ParentSnapshot,
  ) {
    if (!(input.retainUntil instanceof Date) || Number.isNaN(input.retainUntil.getTime())) throw new VaultError("retainUntil must be a valid Date");
    this.#packs = new PackWriter(ctx.store, ctx.sealer, {
      targetSize: ctx.packTargetSize,
      retainUntil: input.retainUntil,
      codec: ctx.codec,
      onPackWritten: (p) => this.#onPackWritten(p),
    });
  }

  /**
   * Streams one item in. Items are taken one after another (call it again without waiting to keep
   * the writer busy); it resolves once the item's content is read and queued for sealing.
   */
  putItem(path: string, source: ItemSource, meta: ItemMeta = {}): Promise<ItemRef> {
    try {
      this.#assertOpen();
      this.#claim(path);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const run = this.#queue.then(() => this.#putItem(path, source, meta));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #putItem(path: string, source: ItemSource, meta: ItemMeta): Promise<ItemRef> {
    const blobs: string[] = [];
    let size = 0;
    const chunker = (this.#chunker ??= new FastCdc(this.ctx.keys.gear, this.ctx.chunker));
    const emit = (chunk: Uint8Array) => this.#addChunk(chunk, blobs);
    try {
      this.#assertOpen();
      chunker.reset();
      if (source instanceof Uint8Array) {
        size = source.length;
        chunker.push(source, emit, true);
      } else if (Symbol.asyncIterator in source) {
        for await (const piece of source as AsyncIterable<Uint8Array | string>) {
          size += this.#feed(chunker, piece, emit);
          if (this.#packs.backlogged) await this.#packs.ready();
        }
        chunker.finish(emit);
      } else {
        for (const piece of source as Iterable<Uint8Array | string>) {
          size += this.#feed(chunker, piece, emit);
          if (this.#packs.backlogged) await this.#packs.ready();
        }
        chunker.finish(emit);
      }
      if (this.#packs.backlogged) await this.#packs.ready();
    } catch (e) {
      chunker.reset();
      this.#items.delete(path);
      throw e;
    }
    this.stats.bytesIn += size;
    // An exact-length copy: a pushed-to array keeps room for 16 entries (~120 bytes per item).
    this.#items.set(path, { path, size, meta, blobs: blobs.slice() });
    // Items held in memory are taken without an await that reaches the event loop; a caller that
    // awaits each one in a loop would starve the uploads and the seal replies without this.
    if (performance.now() - this.#lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#lastYield = performance.now();
    }
    return { path, size, blobs };
  }

  #feed(chunker: FastCdc, piece: Uint8Array | string, emit: (chunk: Uint8Array) => void): number {
    const bytes = typeof piece === "string" ? Buffer.from(piece) : piece;
    chunker.push(bytes, emit);
    return bytes.length;
  }

  #addChunk(chunk: Uint8Array, blobs: string[]): void {
    const id = this.ctx.keys.blobId(chunk);
    const hex = toHex(id);
    blobs.push(hex);
    if (this.#runBlobs.has(hex) || this.ctx.index.has(hex)) {
      this.stats.dedupedBlobs++;
      return;
    }
    this.#runBlobs.add(hex);
    this.stats.newBlobs++;
    this.#packs.add(id, chunk);
  }

  /**
   * Replaces the metadata of an item this run already added (e.g. a content hash known only once
   * the item's stream has been read). Refused for a path the run has not added or is still reading.
   */
  setMeta(path: string, meta: ItemMeta): void {
    this.#assertOpen();
    const item = this.#items.get(path);
    if (!item) throw new VaultError(item === null ? `item ${path} is still being put` : `item ${path} was not added to this snapshot`);
    this.#items.set(path, { ...item, meta });
  }

  /** The parent snapshot's item at `path`, if the run has a parent and it had one. */
  parentItem(path: string): SnapshotItem | undefined {
    return this.parent?.items.get(path);
  }

  /**
   * Re-adds the parent snapshot's item at `path` without reading its content: the caller has
   * decided it is unchanged (same size and modification time, an unchanged provider version…).
   * `meta` replaces the parent's metadata (default: kept). O(blobs of the item): each blob is
   * checked against the indexes loaded at start; one that no index holds any more (or only in a
   * pack garbage collection is deleting) fails the call, and the caller should put the item again.
   * `as` files it under a new path (a moved or renamed item whose content did not change).
   */
  carryOver(path: string, meta?: ItemMeta, as: string = path): ItemRef {
    this.#assertOpen();
    if (!this.parent) throw new VaultError("carryOver needs a parent snapshot: startSnapshot({ parent })");
    const item = this.parent.items.get(path);
    if (!item) throw new VaultError(`parent snapshot ${this.parent.id} has no item ${path}`);
    const missing = item.blobs.find((b) => !this.#runBlobs.has(b) && !this.ctx.index.has(b));
    if (missing !== undefined) {
      throw new VaultError(`item ${path} of parent snapshot ${this.parent.id}: blob ${missing} is in none of the vault's indexes; put the item again`);
    }
    this.#claim(as);
    // The parent's strings and arrays (and its meta, when kept) are shared, not copied: a 50k-item
    // run would otherwise hold every path and timestamp twice.
    this.#items.set(as, { path: as, size: item.size, meta: meta ?? item.meta, blobs: item.blobs });
    this.stats.carriedItems++;
    this.stats.carriedBytes += item.size;
    return { path: as, size: item.size, blobs: [...item.blobs] };
  }

  #claim(path: string): void {
    if (path.length === 0) throw new VaultError("item path must not be empty");
    if (this.#items.has(path)) throw new VaultError(`item ${path} was already added to this snapshot`);
    this.#items.set(path, null);
  }

  async #onPackWritten(pack: WrittenPack): Promise<void> {
    this.#runPacks.add(pack.packId);
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
   * Stores the open packs and indexes everything stored so far, so that a retried run (after a
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
   * by the caller) without reading its content again. Every blob must already be indexed; the
   * index is reloaded only when one is not found.
   */
  addItemRef(ref: ItemRef, meta: ItemMeta = {}): Promise<ItemRef> {
    try {
      this.#assertOpen();
      this.#claim(ref.path);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const run = this.#queue.then(async () => {
      try {
        this.#assertOpen();
        const missing = () => ref.blobs.find((b) => !this.ctx.index.has(b) && !this.#runBlobs.has(b));
        if (missing() !== undefined) await this.ctx.index.refresh(this.ctx.store, this.ctx.keys);
        const gone = missing();
        if (gone !== undefined) throw new VaultError(`item ${ref.path}: blob ${gone} is not stored in this vault; put the item again`);
      } catch (e) {
        this.#items.delete(ref.path);
        throw e;
      }
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
    try {
      await this.#packs.flush();
    } finally {
      this.#packs.close();
    }
    await this.#writeIndex();
    this.stats.packsUploaded = this.#packs.packsUploaded;
    this.stats.bytesUploaded = this.#packs.bytesUploaded;

    const packs = new Set<string>();
    const indexes = new Set<string>();
    const items = [...this.#items.values()].filter((i): i is SnapshotItem => i !== null);
    for (const item of items) {
      for (const hex of item.blobs) {
        const loc = this.ctx.index.get(hex);
        if (!loc) throw new VaultError(`internal: blob ${hex} of ${item.path} is in no index`);
        packs.add(loc.packId);
      }
    }
    for (const p of packs) for (const i of this.ctx.index.packIndexes.get(p) ?? []) indexes.add(i);
    await this.#extendRetention(packs, indexes);

    // A run that outlasted its own retain-until could have had its new packs collected already.
    if (this.input.retainUntil.getTime() <= this.ctx.now().getTime()) {
      throw new VaultError(
        `snapshot ${this.input.source}/${this.input.unit}: its retainUntil ${this.input.retainUntil.toISOString()} has passed; not committing (docs/vault-format.md §13.4)`,
      );
    }

    const manifest: SnapshotManifest = {
      formatVersion: 1,
      vaultId: this.ctx.vaultId,
      source: this.input.source,
      unit: this.input.unit,
      startedAt: this.input.startedAt.toISOString(),
      committedAt: this.ctx.now().toISOString(),
      retainUntil: this.input.retainUntil.toISOString(),
      items: items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      packs: [...packs].sort(),
      indexes: [...indexes].sort(),
    };
    const bytes = sealManifest(this.ctx.keys, manifest);
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
      this.#packs.close();
      await this.#writeIndex();
    }
  }

  async #extendRetention(packs: Set<string>, indexes: Set<string>): Promise<void> {
    const keys = [
      ...[...packs].filter((p) => !this.#runPacks.has(p)).map(packKeyFor),
      ...[...indexes].filter((i) => !this.#runIndexes.has(i)).map(indexKeyFor),
      CONFIG_KEY,
      // The erasure ledger must outlive every snapshot that may hold an erased item (§15).
      ...(await listErasureKeys(this.ctx.store)),
    ];
    await extendLocks(this.ctx.store, keys, this.input.retainUntil);
  }

  #assertOpen(): void {
    if (this.#state !== "open") throw new VaultError(`snapshot writer is ${this.#state}`);
  }
}
