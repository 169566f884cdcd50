// What the bucket holds under a prefix, grouped by key, every version (newest first). GC decides
// from this listing and nothing remembered from an earlier run, which is what makes a rerun after a
// crash converge.
import { isStoreError } from "../store/errors";
import type { ObjectStore } from "../store/types";
import type { GcObjectStore } from "./store";

export interface StoredVersion {
  versionId: string;
  size: number;
  lastModified?: Date;
}

/** key → versions, newest first. Delete markers are left out: they hold no bytes and nobody but the provider admin can write one. */
export type Inventory = Map<string, StoredVersion[]>;

export async function inventory(store: ObjectStore, prefix: string): Promise<Inventory> {
  const out: Inventory = new Map();
  for await (const v of store.listVersions(prefix)) {
    if (v.isDeleteMarker || !v.key.startsWith(prefix)) continue;
    const list = out.get(v.key) ?? [];
    list.push({ versionId: v.versionId, size: v.size, lastModified: v.lastModified });
    out.set(v.key, list);
  }
  for (const list of out.values()) list.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
  return out;
}

/**
 * The latest retain-until over a key's versions, asked of the server per version (a listing does
 * not carry it). null: no version has a lock.
 */
export async function latestLock(store: GcObjectStore, key: string, versions: readonly StoredVersion[]): Promise<Date | null> {
  let max: Date | null = null;
  for (const v of versions) {
    let retainUntil: Date | null;
    try {
      ({ retainUntil } = await store.retention(key, v.versionId));
    } catch (e) {
      if (isStoreError(e, "not_found")) continue; // deleted since the listing
      throw e;
    }
    if (retainUntil && (!max || retainUntil.getTime() > max.getTime())) max = retainUntil;
  }
  return max;
}
