// Garbage collection (docs/vault-format.md §13): mark from the snapshots still in the bucket,
// sweep what nothing references and whose lock has passed. No global lock: Object Lock is the
// lease. A writer that still needs an object extends its lock before it writes a manifest, and
// the server refuses to delete a locked version, so every race ends in "kept" or in that writer's
// commit failing cleanly — never in a snapshot that references a deleted object.
import type { Vault } from "../vault";
import type { GcContext } from "./context";
import { emptyReport, type GcReport } from "./report";
import { expireSnapshots, markLive } from "./snapshots";
import type { GcObjectStore } from "./store";
import { sweep } from "./sweep";

export interface GcOptions {
  /** GC's clock (tests). Only decides what to attempt: the server enforces locks by its own. */
  now?: () => Date;
  /** Decide and report, but delete and write nothing. */
  dryRun?: boolean;
  /**
   * How long a pack must have been announced in a tombstone before it is deleted. Writers that
   * started before the announcement may still dedup against it; a grace longer than a backup run
   * lets them finish (their commit then locks the pack again, and it is kept). 0 deletes in the
   * same run (a writer caught mid-run fails its commit and retries). Default 24 h.
   */
  graceMs?: number;
  /** Lock of the tombstones this run writes. Default 24 h. */
  tombstoneLockMs?: number;
  /** Requests in flight. Default 8. */
  concurrency?: number;
}

const DAY_MS = 86_400_000;

/**
 * Collects garbage in `vault`. `store` is the GC identity's store (deletes); the vault's own store
 * must be the writer's, because GC's one write — a tombstone — is a PUT the GC identity may not do.
 * Safe to run concurrently with writers, with another GC, and again after a crash at any point.
 */
export async function collectGarbage(vault: Vault, store: GcObjectStore, opts: GcOptions = {}): Promise<GcReport> {
  const now = (opts.now ?? (() => new Date()))();
  const dryRun = opts.dryRun ?? false;
  const ctx: GcContext = {
    store,
    writer: vault.store,
    keys: vault.keys,
    vaultId: vault.vaultId,
    now,
    dryRun,
    graceMs: opts.graceMs ?? DAY_MS,
    tombstoneLockMs: opts.tombstoneLockMs ?? DAY_MS,
    concurrency: opts.concurrency ?? 8,
    report: emptyReport(now, dryRun),
  };
  const live = await expireSnapshots(ctx);
  const marks = await markLive(ctx, live);
  if (marks.blocked !== null) {
    ctx.report.sweepBlocked = marks.blocked;
    return ctx.report;
  }
  await sweep(ctx, marks);
  ctx.report.skipped.sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
  return ctx.report;
}
