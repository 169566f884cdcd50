// The in-memory union of all index objects: blob id → where it is stored. Writers dedup against it
// (has), readers and commits locate blobs with it (get). Garbage collection removes packs, so dedup
// skips packs GC has announced in a tombstone and packs whose every index has disappeared
// (docs/vault-format.md §13); locating is unaffected.
import type { VaultKeys } from "../crypto/keys";
import { VaultFormatError } from "../errors";
import { readTombstone, TOMBSTONE_PREFIX, tombstoneIdOf } from "../gc/tombstone";
import { toHex } from "../hex";
import { getVerified } from "../object-read";
import type { BlobEntry } from "../pack/blob-table";
import type { WrittenPack } from "../pack/writer";
import { openObject } from "../sealed";
import type { ObjectStore } from "../store/types";
import { decodeIndex } from "./index-file";

export interface BlobLocation {
  packId: string;
  entry: BlobEntry;
}

const HEX64 = /^[0-9a-f]{64}$/;

export class BlobIndex {
  readonly #blobs = new Map<string, BlobLocation>();
  /** Further copies of a blob: concurrent writers, or a re-upload after GC announced the first pack. */
  readonly #copies = new Map<string, BlobLocation[]>();
  /** packId → index ids that describe it. */
  readonly packIndexes = new Map<string, Set<string>>();
  /** indexId → the packs it describes (the reverse of packIndexes). */
  readonly #indexPacks = new Map<string, string[]>();
  readonly loadedIndexes = new Set<string>();
  /** Indexes that came from a listing: only those may be found missing later (ours are not listed yet). */
  readonly #listedIndexes = new Set<string>();
  /** Packs listed in a tombstone: GC is deleting them. Never deduplicated against. */
  readonly tombstonedPacks = new Set<string>();
  /** Packs whose every index has been deleted (by GC): gone or about to be. Never deduplicated against. */
  readonly retiredPacks = new Set<string>();
  readonly loadedTombstones = new Set<string>();
  /** Objects under gc/ that are not authentic tombstones of this vault (id → why); they change nothing. */
  readonly ignoredTombstones = new Map<string, string>();

  get size(): number {
    return this.#blobs.size;
  }

  #usable(packId: string): boolean {
    return !this.tombstonedPacks.has(packId) && !this.retiredPacks.has(packId);
  }

  /**
   * Where a blob is stored. With `inPacks` (a manifest's pack list), only a copy in one of those
   * packs; otherwise a copy in a pack GC has not announced if there is one, else any copy.
   */
  get(idHex: string, inPacks?: ReadonlySet<string>): BlobLocation | undefined {
    const first = this.#blobs.get(idHex);
    if (!first) return undefined;
    const all = [first, ...(this.#copies.get(idHex) ?? [])];
    if (inPacks) return all.find((l) => inPacks.has(l.packId));
    return all.find((l) => this.#usable(l.packId)) ?? first;
  }

  /** Whether a writer may skip this blob: a copy exists in a pack GC is not deleting. */
  has(idHex: string): boolean {
    const first = this.#blobs.get(idHex);
    if (!first) return false;
    if (this.#usable(first.packId)) return true;
    return (this.#copies.get(idHex) ?? []).some((l) => this.#usable(l.packId));
  }

  addPacks(indexId: string, packs: readonly WrittenPack[]): void {
    this.loadedIndexes.add(indexId);
    this.#indexPacks.set(indexId, [...(this.#indexPacks.get(indexId) ?? []), ...packs.map((p) => p.packId)]);
    for (const p of packs) {
      let set = this.packIndexes.get(p.packId);
      if (!set) this.packIndexes.set(p.packId, (set = new Set()));
      const known = set.size > 0;
      set.add(indexId);
      this.retiredPacks.delete(p.packId);
      if (known) continue; // a second index describing the same pack adds no location
      for (const entry of p.entries) {
        const idHex = toHex(entry.id);
        const first = this.#blobs.get(idHex);
        if (!first) this.#blobs.set(idHex, { packId: p.packId, entry });
        else if (first.packId !== p.packId) {
          const more = this.#copies.get(idHex) ?? [];
          if (!more.some((l) => l.packId === p.packId)) this.#copies.set(idHex, [...more, { packId: p.packId, entry }]);
        }
      }
    }
  }

  /**
   * Loads every index object not loaded yet (indexes are immutable, so this mostly adds). A full
   * refresh (no `only`) also loads GC's tombstones and forgets indexes GC has deleted since they
   * were listed; `only` (a manifest's index list, for readers) loads just those.
   */
  async refresh(store: ObjectStore, keys: VaultKeys, only?: readonly string[]): Promise<void> {
    const ids: string[] = [];
    if (only) ids.push(...only.filter((id) => !this.loadedIndexes.has(id)));
    else {
      const listed = new Set<string>();
      for await (const o of store.list("index/")) {
        const id = o.key.slice("index/".length);
        if (HEX64.test(id)) listed.add(id);
      }
      for (const id of this.#listedIndexes) if (!listed.has(id)) this.#forgetIndex(id);
      for (const id of listed) {
        this.#listedIndexes.add(id);
        if (!this.loadedIndexes.has(id)) ids.push(id);
      }
    }
    const queue = [...ids];
    const work = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const key = `index/${id}`;
        const bytes = await getVerified(store, key, id);
        this.addPacks(id, decodeIndex(key, openObject(keys, "index", key, bytes)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, work));
    if (!only) await this.#loadTombstones(store, keys);
  }

  #forgetIndex(id: string): void {
    this.#listedIndexes.delete(id);
    this.loadedIndexes.delete(id);
    for (const packId of this.#indexPacks.get(id) ?? []) {
      const set = this.packIndexes.get(packId);
      if (!set?.delete(id) || set.size > 0) continue;
      this.packIndexes.delete(packId);
      this.retiredPacks.add(packId);
    }
    this.#indexPacks.delete(id);
  }

  /** A tombstone that is not authentic is ignored: honouring it would only cost space, but an intruder's object must change nothing. */
  async #loadTombstones(store: ObjectStore, keys: VaultKeys): Promise<void> {
    const vaultId = toHex(keys.vaultId);
    for await (const o of store.list(TOMBSTONE_PREFIX)) {
      const id = tombstoneIdOf(o.key);
      if (id === null || this.loadedTombstones.has(id) || this.ignoredTombstones.has(id)) continue;
      let read: Awaited<ReturnType<typeof readTombstone>>;
      try {
        read = await readTombstone(store, keys, vaultId, id);
      } catch (e) {
        // A format this code does not know (a newer GC): not honouring it is safe. Store errors propagate.
        if (!(e instanceof VaultFormatError)) throw e;
        this.ignoredTombstones.set(id, e.message);
        continue;
      }
      if (read.status === "forged") this.ignoredTombstones.set(id, read.reason);
      if (read.status !== "ok") continue;
      this.loadedTombstones.add(id);
      for (const p of read.value.packs) this.tombstonedPacks.add(p);
    }
  }
}
