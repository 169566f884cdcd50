// A backup run's running totals, folded unit by unit: what its verdict and summary are computed
// from. Kept bounded (counts, summed stats, the first FAILED_UNITS_LISTED failures) so it can be
// carried across continue-as-new whatever the number of units, and folding the same results in the
// same order gives the same verdict and summary however many hops the run took.
import { addStats, type BackupUnitResult, EMPTY_STATS, FAILED_UNITS_LISTED, type RunStatus, type RunTally } from "../contracts";

/** A failure reason as carried in the tally (the full message is in the run's issues). */
const REASON_CHARS = 500;

export const EMPTY_TALLY: RunTally = { units: 0, failedUnits: 0, warnedUnits: 0, stats: EMPTY_STATS, failures: [] };

export function addResult(t: RunTally, r: BackupUnitResult): RunTally {
  const failed = r.status === "failed";
  const error = (r.error ?? "unknown").slice(0, REASON_CHARS);
  return {
    units: t.units + 1,
    failedUnits: t.failedUnits + (failed ? 1 : 0),
    warnedUnits: t.warnedUnits + (r.status === "completed_with_warnings" ? 1 : 0),
    stats: addStats(t.stats, r.stats),
    failures: failed && t.failures.length < FAILED_UNITS_LISTED ? [...t.failures, { unitId: r.unitId, error }] : t.failures,
  };
}

/** Never "success" with holes: any failed or partly captured unit makes the run a warning; all failed, a failure. */
export function tallyVerdict(t: RunTally): RunStatus {
  if (t.units > 0 && t.failedUnits === t.units) return "failed";
  if (t.failedUnits > 0 || t.warnedUnits > 0) return "completed_with_warnings";
  return "completed";
}

export function tallySummary(t: RunTally): string {
  if (tallyVerdict(t) === "completed") return `${t.units} units backed up`;
  const unlisted = t.failedUnits - t.failures.length;
  const failed =
    t.failedUnits > 0
      ? `; failed: ${t.failures.map((f) => `${f.unitId} (${f.error})`).join(", ")}${unlisted > 0 ? ` and ${unlisted} more (every failed unit is in the run's issues)` : ""}`
      : "";
  return `${t.units - t.failedUnits} of ${t.units} units backed up; ${t.stats.issues} items not captured${failed}`;
}
