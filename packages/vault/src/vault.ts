// The vault engine's entry points: init, open, snapshots in, items out.
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { Readable } from "node:stream";
import { DEFAULT_CHUNKER, type ChunkerParams } from "./chunker/fastcdc";
import { defaultCodec, type Codec } from "./compress";
import { CONFIG_KEY, loadConfig, type VaultConfig } from "./config";
import { VaultKeys, masterKeyAad, wrapWithRecoveryKey } from "./crypto/keys";
import type { Kms } from "./crypto/kms";
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from "./crypto/recovery-key";
import { buildErasureObject, ERASURE_MIN_LOCK_DAYS, ErasureKeys, erasedItemsFrom, listErasureKeys, openErasureObject, readErasureLedger, type ErasedItems, type RecordErasureInput } from "./erasure/ledger";
import { VaultError, VaultExistsError, VaultIntegrityError } from "./errors";
import { fromHex, toHex } from "./hex";
import { getVerified, versionsOf } from "./object-read";
import { packKeyFor } from "./pack/format";
import { PackReader } from "./pack/reader";
import { InlineSealer, WorkerSealer, type Sealer } from "./pack/seal-pool";
import { BlobIndex } from "./repo-index/blob-index";
import { indexKeyFor } from "./repo-index/index-file";
import { openObject } from "./sealed";
import { extendLocks } from "./snapshot/retention";
import { decodeManifest, snapshotKeyFor, type SnapshotItem, type SnapshotManifest } from "./snapshot/manifest";
import { SnapshotWriter, type StartSnapshotInput } from "./snapshot/writer";
import type { ObjectStore } from "./store/types";

export interface EngineOptions {
  /**
   * Seal worker threads; 0 seals on the calling thread. Default: cores − 1 (at least 1, at most
   * 4): the calling thread reads, chunks, hashes and uploads, the workers compress, encrypt and
   * build packs. Each worker costs ~60 MiB (its pack buffers and the encryption output V8 has not
   * collected yet), and on 2 cores a second one did not help: the calling thread is the busier.
   */
  workers?: number;
  now?: () => Date;
  /** Force a compression codec (benchmarks/tests). */
  codec?: Codec;
  /** Write an index object after this many packs (default 8; tests use 1). */
  indexEveryPacks?: number;
}

export interface InitVaultOptions extends EngineOptions {
  kms: Kms;
  /** Initial lock of the config object; every commit extends it to the snapshot's retain-until. */
  retention: { days: number } | { retainUntil: Date };
  chunker?: ChunkerParams;
  packTargetSize?: number;
}

export type OpenVaultOptions = EngineOptions & ({ kms: Kms } | { recoveryKey: string });

export interface SnapshotSummary {
  id: string;
  source: string;
  unit: string;
  startedAt: Date;
  committedAt: Date;
  retainUntil: Date;
  itemCount: number;
  totalSize: number;
}

const DEFAULT_PACK_TARGET = 24 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;
/** Decoded manifests kept per Vault (a restore, its parent, a couple of listings). */
const MANIFEST_CACHE = 4;

export async function initVault(store: ObjectStore, opts: InitVaultOptions): Promise<{ vault: Vault; recoveryKey: string }> {
  const existing = await versionsOf(store, CONFIG_KEY);
  if (existing.length > 0 || (await store.head(CONFIG_KEY))) throw new VaultExistsError("a vault already exists here (config object present)");
  const now = opts.now ?? (() => new Date());
  const master = new Uint8Array(randomBytes(32));
  const vaultIdBytes = new Uint8Array(randomBytes(16));
  const recovery = generateRecoveryKey();
  const chunker = opts.chunker ?? DEFAULT_CHUNKER;
  const config: VaultConfig = {
    formatVersion: 1,
    vaultId: toHex(vaultIdBytes),
    createdAt: now().toISOString(),
    chunker: { algorithm: "fastcdc-gear32", ...chunker },
    packTargetSize: opts.packTargetSize ?? DEFAULT_PACK_TARGET,
    keys: {
      kms: { keyId: opts.kms.keyId, wrapped: Buffer.from(await opts.kms.wrap(master, masterKeyAad(vaultIdBytes))).toString("base64") },
      recovery: { kdf: "hkdf-sha256", wrapped: Buffer.from(wrapWithRecoveryKey(master, recovery, vaultIdBytes)).toString("base64") },
    },
  };
  const retainUntil =
    "retainUntil" in opts.retention ? opts.retention.retainUntil : new Date(now().getTime() + opts.retention.days * 86_400_000);
  const { versionId } = await store.put(CONFIG_KEY, new TextEncoder().encode(JSON.stringify(config, null, 2)), { retainUntil, contentType: "application/json" });
  // Two inits racing both succeed at PUT; the oldest version is the vault (loadConfig), the other loses.
  const versions = await versionsOf(store, CONFIG_KEY);
  if (versionId !== undefined && versions.length > 1 && versions.at(-1)?.versionId !== versionId) {
    throw new VaultExistsError("a vault was initialised here concurrently; this init lost the race");
  }
  return { vault: new Vault(store, config, master, opts), recoveryKey: formatRecoveryKey(recovery) };
}

export async function openVault(store: ObjectStore, opts: OpenVaultOptions): Promise<Vault> {
  const unlock = "kms" in opts ? { kms: opts.kms } : { recoveryKey: parseRecoveryKey(opts.recoveryKey) };
  const { config, master } = await loadConfig(store, unlock);
  return new Vault(store, config, master, opts);
}

export class Vault {
  readonly keys: VaultKeys;
  readonly index = new BlobIndex();
  /** Created by the first startSnapshot: a vault opened to read never starts seal workers. */
  #sealer: Sealer | null = null;
  #closed = false;
  readonly #reader: PackReader;
  readonly #manifests = new Map<string, Promise<SnapshotManifest>>();
  readonly #summaries = new Map<string, SnapshotSummary>();
  readonly #itemMaps = new WeakMap<SnapshotManifest, Map<string, SnapshotItem>>();
  readonly #now: () => Date;
  #erasure: ErasureKeys | null = null;

  constructor(
    readonly store: ObjectStore,
    readonly config: VaultConfig,
    master: Uint8Array,
    private readonly opts: EngineOptions,
  ) {
    this.keys = new VaultKeys(master, fromHex(config.vaultId));
    this.#reader = new PackReader(store, this.keys);
    this.#now = opts.now ?? (() => new Date());
  }

  get vaultId(): string {
    return this.config.vaultId;
  }

  /**
   * Starts a backup run. Loads indexes written since the last call so dedup sees other writers'
   * packs, and with `parent` that snapshot's manifest (and any index it lists that the listing
   * missed), so `carryOver` needs no I/O.
   */
  async startSnapshot(input: StartSnapshotInput): Promise<SnapshotWriter> {
    if (this.#closed) throw new VaultError("vault is closed");
    const [parent] = await Promise.all([input.parent === undefined ? undefined : this.readSnapshot(input.parent), this.index.refresh(this.store, this.keys)]);
    if (parent) await this.index.refresh(this.store, this.keys, parent.indexes);
    const { algorithm: _algorithm, ...chunker } = this.config.chunker;
    return new SnapshotWriter(
      {
        store: this.store,
        keys: this.keys,
        vaultId: this.config.vaultId,
        index: this.index,
        sealer: this.#getSealer(),
        chunker,
        packTargetSize: this.config.packTargetSize,
        codec: this.opts.codec ?? defaultCodec(),
        indexEveryPacks: this.opts.indexEveryPacks ?? 8,
        now: this.#now,
      },
      input,
      parent && input.parent !== undefined ? { id: input.parent, items: this.#itemMap(parent) } : undefined,
    );
  }

  async listSnapshotIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const o of this.store.list("snapshots/")) {
      const id = o.key.slice("snapshots/".length);
      if (HEX64.test(id)) ids.push(id);
    }
    return ids;
  }

  async listSnapshots(): Promise<SnapshotSummary[]> {
    const out: SnapshotSummary[] = [];
    for (const id of await this.listSnapshotIds()) {
      let summary = this.#summaries.get(id);
      if (!summary) {
        // Summaries are kept; the manifests behind them are not (one of 50k items is ~30 MiB decoded).
        const m = await (this.#manifests.get(id) ?? this.#loadManifest(id));
        summary = {
          id,
          source: m.source,
          unit: m.unit,
          startedAt: new Date(m.startedAt),
          committedAt: new Date(m.committedAt),
          retainUntil: new Date(m.retainUntil),
          itemCount: m.items.length,
          totalSize: m.items.reduce((n, i) => n + i.size, 0),
        };
        this.#summaries.set(id, summary);
      }
      out.push(summary);
    }
    return out.sort((a, b) => a.committedAt.getTime() - b.committedAt.getTime());
  }

  /**
   * Raises (never lowers) the compliance locks of everything snapshot `id` needs — its manifest,
   * packs and indexes, and `config` (docs/vault-format.md §9) — to at least `until`. Needs the
   * writer identity (PutObjectRetention). Used to keep a held snapshot past its retain-until:
   * the manifest still records the original date, the locks are what GC and the server obey.
   */
  async extendSnapshotLocks(id: string, until: Date): Promise<void> {
    const m = await this.readSnapshot(id);
    await extendLocks(this.store, [snapshotKeyFor(id), ...m.packs.map(packKeyFor), ...m.indexes.map(indexKeyFor), CONFIG_KEY, ...(await listErasureKeys(this.store))], until);
  }

  /**
   * Writes the erasure ledger object of an executed erasure request (docs/vault-format.md §15):
   * keyed hashes of the items, never their ids. Idempotent: when an authentic version already holds
   * every entry nothing is written (its lock is still raised to the target). Locked until the later
   * of `config`'s lock (which covers every live snapshot, §9) and executedAt + ERASURE_MIN_LOCK_DAYS;
   * every later commit raises it to that snapshot's retain-until. Needs the writer identity.
   */
  async recordErasure(requestId: string, input: RecordErasureInput): Promise<{ key: string; written: boolean; retainUntil: Date }> {
    if (this.#closed) throw new VaultError("vault is closed");
    const ek = this.#erasureKeys();
    const obj = buildErasureObject(ek, this.config.vaultId, requestId, input);
    const configLock = (await this.store.head(CONFIG_KEY))?.retainUntil ?? null;
    const floor = new Date(input.executedAt.getTime() + ERASURE_MIN_LOCK_DAYS * 86_400_000);
    const retainUntil = configLock && configLock > floor ? configLock : floor;
    for await (const v of this.store.listVersions(obj.key)) {
      if (v.key !== obj.key || v.isDeleteMarker) continue;
      const opened = openErasureObject(ek, this.config.vaultId, obj.key, await this.store.get(obj.key, undefined, v.versionId));
      if (typeof opened === "string") continue;
      const have = new Set(opened.entries);
      if (obj.entries.every((e) => have.has(e))) {
        await this.store.extendRetention(obj.key, retainUntil, v.versionId);
        return { key: obj.key, written: false, retainUntil };
      }
    }
    const { versionId } = await this.store.put(obj.key, obj.body, { retainUntil, contentType: "application/json" });
    // A commit racing this one may have raised config after it was read: follow it (§15).
    const after = (await this.store.head(CONFIG_KEY))?.retainUntil ?? null;
    if (after && after > retainUntil) {
      await this.store.extendRetention(obj.key, after, versionId);
      return { key: obj.key, written: true, retainUntil: after };
    }
    return { key: obj.key, written: true, retainUntil };
  }

  /** The erasure ledger as a matcher over manifest items; read with any identity that can read. */
  async erasedItems(): Promise<ErasedItems> {
    const ek = this.#erasureKeys();
    const { payloads, problems } = await readErasureLedger(this.store, ek, this.config.vaultId);
    return erasedItemsFrom(ek, payloads, problems);
  }

  #erasureKeys(): ErasureKeys {
    return (this.#erasure ??= new ErasureKeys(this.keys));
  }

  /** A decoded manifest; the few most recently used stay cached (manifests are immutable). */
  readSnapshot(id: string): Promise<SnapshotManifest> {
    if (!HEX64.test(id)) return Promise.reject(new VaultError(`not a snapshot id: ${id}`));
    let p = this.#manifests.get(id);
    if (p) {
      this.#manifests.delete(id); // re-insert: most recently used last
    } else {
      p = this.#loadManifest(id);
      p.catch(() => this.#manifests.delete(id));
    }
    this.#manifests.set(id, p);
    while (this.#manifests.size > MANIFEST_CACHE) {
      const oldest = this.#manifests.keys().next().value as string;
      this.#manifests.delete(oldest);
    }
    return p;
  }

  #loadManifest(id: string): Promise<SnapshotManifest> {
    const key = snapshotKeyFor(id);
    return getVerified(this.store, key, id).then((bytes) => {
      const m = decodeManifest(key, openObject(this.keys, "snapshot", key, bytes));
      if (m.vaultId !== this.config.vaultId) throw new VaultIntegrityError(key, `belongs to vault ${m.vaultId}, not ${this.config.vaultId}`);
      return m;
    });
  }

  #itemMap(m: SnapshotManifest): Map<string, SnapshotItem> {
    let byPath = this.#itemMaps.get(m);
    if (!byPath) this.#itemMaps.set(m, (byPath = new Map(m.items.map((i) => [i.path, i]))));
    return byPath;
  }

  async getItem(snapshotId: string, path: string): Promise<SnapshotItem> {
    const m = await this.readSnapshot(snapshotId);
    const item = this.#itemMap(m).get(path);
    if (!item) throw new VaultError(`snapshot ${snapshotId} has no item ${path}`);
    return item;
  }

  /** Items of a snapshot under a folder (`prefix` without trailing slash; "" for all). */
  async listItems(snapshotId: string, prefix = ""): Promise<SnapshotItem[]> {
    const m = await this.readSnapshot(snapshotId);
    if (prefix === "") return m.items;
    const folder = prefix.endsWith("/") ? prefix : `${prefix}/`;
    return m.items.filter((i) => i.path === prefix || i.path.startsWith(folder));
  }

  /** The item's bytes, verified blob by blob; reads up to `readAhead` blobs in parallel. */
  async *readItem(snapshotId: string, path: string, readAhead = 8): AsyncGenerator<Uint8Array> {
    const m = await this.readSnapshot(snapshotId);
    const item = await this.getItem(snapshotId, path);
    await this.index.refresh(this.store, this.keys, m.indexes);
    const key = snapshotKeyFor(snapshotId);
    const own = new Set(m.packs); // the copy the writer chose and locked (docs/vault-format.md §11)
    const fetchBlob = (hex: string) => {
      const loc = this.index.get(hex, own);
      if (!loc) return Promise.reject(new VaultIntegrityError(key, `blob ${hex} of ${path} is in none of the snapshot's indexes`));
      return this.#reader.readBlob(loc.packId, loc.entry);
    };
    const pending: Promise<Uint8Array>[] = [];
    let next = 0;
    let total = 0;
    try {
      while (next < item.blobs.length || pending.length > 0) {
        while (pending.length < readAhead && next < item.blobs.length) {
          const p = fetchBlob(item.blobs[next++] as string);
          p.catch(() => undefined);
          pending.push(p);
        }
        const chunk = await (pending.shift() as Promise<Uint8Array>);
        total += chunk.length;
        yield chunk;
      }
    } finally {
      pending.length = 0;
    }
    if (total !== item.size) throw new VaultIntegrityError(key, `item ${path} restored ${total} bytes, manifest says ${item.size}`);
  }

  readItemStream(snapshotId: string, path: string): Readable {
    return Readable.from(this.readItem(snapshotId, path), { objectMode: false });
  }

  #getSealer(): Sealer {
    if (!this.#sealer) {
      const workers = this.opts.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1));
      const maxBlob = this.config.chunker.maxSize;
      this.#sealer = workers > 0 ? new WorkerSealer(workers, this.keys.master, maxBlob) : new InlineSealer(this.keys.master, maxBlob);
    }
    return this.#sealer;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#sealer?.close();
  }
}
