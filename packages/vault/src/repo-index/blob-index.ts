// The in-memory union of all index objects: blob id → where it is stored.
import type { VaultKeys } from "../crypto/keys";
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

export class BlobIndex {
  readonly #blobs = new Map<string, BlobLocation>();
  /** packId → index ids that describe it. */
  readonly packIndexes = new Map<string, Set<string>>();
  readonly loadedIndexes = new Set<string>();

  get size(): number {
    return this.#blobs.size;
  }

  get(idHex: string): BlobLocation | undefined {
    return this.#blobs.get(idHex);
  }

  has(idHex: string): boolean {
    return this.#blobs.has(idHex);
  }

  addPacks(indexId: string, packs: readonly WrittenPack[]): void {
    this.loadedIndexes.add(indexId);
    for (const p of packs) {
      let set = this.packIndexes.get(p.packId);
      if (!set) this.packIndexes.set(p.packId, (set = new Set()));
      set.add(indexId);
      for (const entry of p.entries) {
        const idHex = toHex(entry.id);
        if (!this.#blobs.has(idHex)) this.#blobs.set(idHex, { packId: p.packId, entry });
      }
    }
  }

  /** Loads every index object not loaded yet (indexes are immutable, so a refresh only adds). */
  async refresh(store: ObjectStore, keys: VaultKeys, only?: readonly string[]): Promise<void> {
    const ids: string[] = [];
    if (only) ids.push(...only.filter((id) => !this.loadedIndexes.has(id)));
    else for await (const o of store.list("index/")) {
      const id = o.key.slice("index/".length);
      if (/^[0-9a-f]{64}$/.test(id) && !this.loadedIndexes.has(id)) ids.push(id);
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
  }
}
