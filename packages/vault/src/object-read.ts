// Reading content-addressed objects (docs/vault-format.md §1): the name is the SHA-256 of the
// bytes, so an overwritten object is detected and an older (locked) version is used instead.
import { createHash } from "node:crypto";
import { VaultIntegrityError } from "./errors";
import type { ObjectStore, ObjectVersionInfo } from "./store/types";

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Versions of exactly `key`, newest first, without delete markers. */
export async function versionsOf(store: ObjectStore, key: string): Promise<ObjectVersionInfo[]> {
  const out: ObjectVersionInfo[] = [];
  for await (const v of store.listVersions(key)) if (v.key === key && !v.isDeleteMarker) out.push(v);
  return out.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
}

export async function getVerified(store: ObjectStore, key: string, expectedSha256: string): Promise<Uint8Array> {
  let firstError: unknown;
  try {
    const bytes = await store.get(key);
    if (sha256Hex(bytes) === expectedSha256) return bytes;
  } catch (e) {
    firstError = e;
  }
  let versions: ObjectVersionInfo[] = [];
  try {
    versions = await versionsOf(store, key);
  } catch {
    // listing versions is a fallback; the error below names the object either way
  }
  for (const v of versions) {
    try {
      const bytes = await store.get(key, undefined, v.versionId);
      if (sha256Hex(bytes) === expectedSha256) return bytes;
    } catch {
      // try the next older version
    }
  }
  if (firstError !== undefined && versions.length === 0) {
    throw new VaultIntegrityError(key, "missing or unreadable", { cause: firstError });
  }
  throw new VaultIntegrityError(key, "content does not match its name (SHA-256) in any version: corrupt or overwritten");
}
