// State shared by the phases of one GC run, and the one place that turns a delete attempt into
// report entries.
import type { VaultKeys } from "../crypto/keys";
import type { ObjectStore } from "../store/types";
import { deleteAllVersions } from "./delete-key";
import { latestLock, type StoredVersion } from "./inventory";
import type { GcReport, GcSkipped } from "./report";
import type { GcObjectStore } from "./store";

export interface GcContext {
  /** The GC identity: lists, reads, reads locks, deletes versions. */
  store: GcObjectStore;
  /** The writer identity (the vault's own store): GC's only write is a tombstone. */
  writer: ObjectStore;
  keys: VaultKeys;
  vaultId: string;
  now: Date;
  dryRun: boolean;
  graceMs: number;
  tombstoneLockMs: number;
  concurrency: number;
  report: GcReport;
}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function problem(ctx: GcContext, object: string, text: string): void {
  ctx.report.problems.push({ object, problem: text });
}

export function skip(ctx: GcContext, object: string, reason: GcSkipped["reason"], detail: string): void {
  ctx.report.kept[reason]++;
  ctx.report.skipped.push({ object, reason, detail });
}

/**
 * Deletes every version of an unreferenced key whose locks have all passed by GC's clock. The
 * server has the last word: a version a writer locked again since we looked is refused, and kept.
 * Returns whether the key is gone. `lockIsLiveness`: a lock that has not passed is the object's
 * ordinary state (a snapshot within retention), not worth a "skipped" entry.
 */
export async function collectKey(ctx: GcContext, key: string, versions: readonly StoredVersion[], lockIsLiveness = false): Promise<boolean> {
  let lock: Date | null;
  try {
    lock = await latestLock(ctx.store, key, versions);
  } catch (e) {
    problem(ctx, key, `cannot read its lock, kept: ${errorMessage(e)}`);
    return false;
  }
  if (lock && lock.getTime() > ctx.now.getTime()) {
    if (lockIsLiveness) return false;
    skip(ctx, key, "locked", `locked until ${lock.toISOString()}`);
    return false;
  }
  const out = await deleteAllVersions(ctx.store, key, versions, ctx.dryRun);
  ctx.report.versionsDeleted += out.versionsDeleted;
  ctx.report.bytesFreed += out.bytesFreed;
  if (out.status === "deleted") return true;
  if (out.status === "locked") skip(ctx, key, "locked", `the server refused the delete: ${out.detail ?? ""}`);
  else problem(ctx, key, `delete failed, kept: ${out.detail ?? ""}`);
  return false;
}
