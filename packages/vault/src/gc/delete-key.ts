// Deleting one key: every version, newest first, stopping at the first refusal. Newest first because
// the oldest version of a content-addressed key is the authentic one (an intruder cannot forge a
// pack before its name, the SHA-256 of its bytes, exists): a run cut short leaves the original,
// never only a forgery a reader would reject.
import { isStoreError } from "../store/errors";
import type { StoredVersion } from "./inventory";
import type { GcObjectStore } from "./store";

export interface DeleteOutcome {
  /** deleted: no version left. locked: the server refused one (its lock was extended after we looked). */
  status: "deleted" | "locked" | "failed";
  versionsDeleted: number;
  bytesFreed: number;
  detail?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function deleteAllVersions(store: GcObjectStore, key: string, versions: readonly StoredVersion[], dryRun: boolean): Promise<DeleteOutcome> {
  let versionsDeleted = 0;
  let bytesFreed = 0;
  for (const v of versions) {
    try {
      if (!dryRun) await store.deleteVersion(key, v.versionId);
    } catch (e) {
      if (isStoreError(e, "not_found")) continue; // another GC run got there first
      return { status: isStoreError(e, "locked") ? "locked" : "failed", versionsDeleted, bytesFreed, detail: message(e) };
    }
    versionsDeleted++;
    bytesFreed += v.size;
  }
  return { status: "deleted", versionsDeleted, bytesFreed };
}
