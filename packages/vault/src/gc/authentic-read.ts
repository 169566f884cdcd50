// Reading a content-addressed object for a decision that deletes things. Unlike a restore, GC must
// tell "this is not ours" (every version fails its SHA-256 name or its AEAD tag: an intruder's
// object, safe to ignore) apart from "we could not tell" (a store error, or a format version this
// code does not know: the object may be a real one we do not understand, so nothing it could
// reference may be deleted). The first is a result, the second an exception.
import { VaultIntegrityError } from "../errors";
import { sha256Hex, versionsOf } from "../object-read";
import { isStoreError } from "../store/errors";
import type { ObjectStore } from "../store/types";
import type { StoredVersion } from "./inventory";

export type AuthenticRead<T> =
  | { status: "ok"; value: T; versionId: string; lastModified?: Date }
  | { status: "forged"; reason: string }
  | { status: "missing" };

/**
 * Tries the versions newest first; the first whose bytes hash to `id` and that `open` accepts wins.
 * `open` throws VaultIntegrityError for bytes that are not an authentic object of its kind (wrong
 * magic, failed AEAD, another vault); any other error it throws propagates.
 */
export async function readAuthentic<T>(
  store: ObjectStore,
  key: string,
  id: string,
  open: (bytes: Uint8Array) => T,
  known?: readonly StoredVersion[],
): Promise<AuthenticRead<T>> {
  const versions = known ?? (await versionsOf(store, key));
  if (versions.length === 0) return { status: "missing" };
  const reasons: string[] = [];
  for (const v of versions) {
    let bytes: Uint8Array;
    try {
      bytes = await store.get(key, undefined, v.versionId);
    } catch (e) {
      // Deleted since the listing: not this version. A checksum failure ("corrupt") may be the
      // transfer, not the object, so it propagates like any error that leaves us unsure.
      if (isStoreError(e, "not_found")) {
        reasons.push(`version ${v.versionId}: ${e.code}`);
        continue;
      }
      throw e;
    }
    if (sha256Hex(bytes) !== id) {
      reasons.push(`version ${v.versionId}: content does not match its name`);
      continue;
    }
    try {
      return { status: "ok", value: open(bytes), versionId: v.versionId, lastModified: v.lastModified };
    } catch (e) {
      if (!(e instanceof VaultIntegrityError)) throw e;
      reasons.push(`version ${v.versionId}: ${e.message}`);
    }
  }
  if (reasons.every((r) => r.endsWith(": not_found"))) return { status: "missing" };
  return { status: "forged", reason: `no authentic version (${reasons.join("; ")})` };
}

/** A sealed object whose first 4 bytes are not `magic` is not one of ours of that kind. */
export function assertMagic(key: string, bytes: Uint8Array, magic: string): void {
  const got = Buffer.from(bytes.subarray(0, 4)).toString("latin1");
  if (got !== magic) throw new VaultIntegrityError(key, `not a ${magic} object (magic ${JSON.stringify(got)})`);
}
