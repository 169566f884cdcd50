// The two object kinds GC must understand to decide what is referenced: snapshot manifests (what a
// live snapshot needs) and index objects (which packs an index describes).
import type { VaultKeys } from "../crypto/keys";
import { VaultIntegrityError } from "../errors";
import { decodeIndex, indexKeyFor } from "../repo-index/index-file";
import { openObject } from "../sealed";
import { decodeManifest, snapshotKeyFor, type SnapshotManifest } from "../snapshot/manifest";
import type { ObjectStore } from "../store/types";
import { assertMagic, readAuthentic, type AuthenticRead } from "./authentic-read";
import type { StoredVersion } from "./inventory";

export function readManifestForGc(
  store: ObjectStore,
  keys: VaultKeys,
  vaultId: string,
  id: string,
  versions?: readonly StoredVersion[],
): Promise<AuthenticRead<SnapshotManifest>> {
  const key = snapshotKeyFor(id);
  return readAuthentic(
    store,
    key,
    id,
    (bytes) => {
      assertMagic(key, bytes, "HFSN");
      const m = decodeManifest(key, openObject(keys, "snapshot", key, bytes));
      if (m.vaultId !== vaultId) throw new VaultIntegrityError(key, `belongs to vault ${m.vaultId}, not ${vaultId}`);
      return m;
    },
    versions,
  );
}

/** The pack ids an index object describes. */
export function readIndexPacks(store: ObjectStore, keys: VaultKeys, id: string, versions?: readonly StoredVersion[]): Promise<AuthenticRead<string[]>> {
  const key = indexKeyFor(id);
  return readAuthentic(
    store,
    key,
    id,
    (bytes) => {
      assertMagic(key, bytes, "HFIX");
      return decodeIndex(key, openObject(keys, "index", key, bytes)).map((p) => p.packId);
    },
    versions,
  );
}
