// What a GC run did, and everything it did not do with the reason: an operator reading it can tell
// "waiting for a lock" from "kept because a snapshot needs it" from "something is wrong".

export interface GcProblem {
  object: string;
  problem: string;
}

export interface GcSkipped {
  object: string;
  /**
   * locked: unreferenced, but its lock has not passed (or the server refused the delete because a
   * writer extended it meanwhile). waiting: unreferenced and unlocked, deleted by a later run
   * (tombstone grace, or an index that still describes a pack not deleted yet).
   */
  reason: "locked" | "waiting";
  detail: string;
}

export interface GcReport {
  dryRun: boolean;
  /** GC's clock for this run (ISO 8601). Object Lock itself is enforced by the server's clock. */
  now: string;
  liveSnapshots: number;
  snapshotsDeleted: number;
  packsDeleted: number;
  indexesDeleted: number;
  tombstonesWritten: number;
  tombstonesDeleted: number;
  versionsDeleted: number;
  bytesFreed: number;
  /** Objects kept, by why: referenced by a live snapshot, locked, or waiting for a later run. */
  kept: { referenced: number; locked: number; waiting: number };
  /** Every unreferenced object that was kept, and why. */
  skipped: GcSkipped[];
  /** Every failure and every object GC refused to interpret; nothing is swallowed. */
  problems: GcProblem[];
  /** Why packs and indexes were not swept at all (the mark could not be completed), or null. */
  sweepBlocked: string | null;
}

export function emptyReport(now: Date, dryRun: boolean): GcReport {
  return {
    dryRun,
    now: now.toISOString(),
    liveSnapshots: 0,
    snapshotsDeleted: 0,
    packsDeleted: 0,
    indexesDeleted: 0,
    tombstonesWritten: 0,
    tombstonesDeleted: 0,
    versionsDeleted: 0,
    bytesFreed: 0,
    kept: { referenced: 0, locked: 0, waiting: 0 },
    skipped: [],
    problems: [],
    sweepBlocked: null,
  };
}
