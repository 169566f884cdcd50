import { describe, expect, it } from "vitest";
import { type BackupUnitResult, BackupSourceProgress, EMPTY_STATS, FAILED_UNITS_LISTED } from "../contracts";
import { addResult, EMPTY_TALLY, tallySummary, tallyVerdict } from "./backup-tally";

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;
const unit = (n: number, status: BackupUnitResult["status"], issues = 0): BackupUnitResult => ({
  unitId: uuid(n),
  status,
  vaultSnapshotId: null,
  stats: { ...EMPTY_STATS, listed: 10, stored: 3, issues },
  ...(status === "failed" ? { error: `unit ${n} failed: ${"x".repeat(2_000)}` } : {}),
});

describe("a run's tally", () => {
  it("folds units in any number of pieces to the same verdict and summary", () => {
    const results = [unit(1, "completed"), unit(2, "failed"), unit(3, "completed_with_warnings", 4), unit(4, "completed")];
    const whole = results.reduce(addResult, EMPTY_TALLY);
    // As carried across continue-as-new: the first two, then the rest onto the carried tally.
    const carried = BackupSourceProgress.parse({ runId: uuid(99), queue: [], tally: results.slice(0, 2).reduce(addResult, EMPTY_TALLY), hops: 1 }).tally;
    const hopped = results.slice(2).reduce(addResult, carried);
    expect(hopped).toEqual(whole);
    expect(tallyVerdict(whole)).toBe("completed_with_warnings");
    expect(whole).toMatchObject({ units: 4, failedUnits: 1, warnedUnits: 1, stats: { listed: 40, stored: 12, issues: 4 } });
    expect(tallySummary(whole)).toMatch(/^3 of 4 units backed up; 4 items not captured; failed: 00000000-0000-4000-8000-000000000002 \(unit 2 failed: x+\)$/);
  });

  it("stays bounded however many units fail, naming the first and counting the rest", () => {
    const failed = Array.from({ length: 5_000 }, (_, i) => unit(i + 1, "failed"));
    const t = failed.reduce(addResult, EMPTY_TALLY);
    expect(t.failures).toHaveLength(FAILED_UNITS_LISTED);
    expect(t.failures[0]?.unitId).toBe(uuid(1));
    expect(t.failures.every((f) => f.error.length <= 500)).toBe(true);
    expect(tallyVerdict(t)).toBe("failed");
    expect(tallySummary(t)).toMatch(new RegExp(`^0 of 5000 units backed up; 0 items not captured; failed: .* and ${5_000 - FAILED_UNITS_LISTED} more \\(every failed unit is in the run's issues\\)$`));
    // Carried as workflow input, it must pass its own schema.
    expect(() => BackupSourceProgress.parse({ runId: uuid(99), queue: [], tally: t, hops: 3 })).not.toThrow();
  });

  it("is completed only when every unit completed with every item captured", () => {
    expect(tallyVerdict([unit(1, "completed"), unit(2, "completed")].reduce(addResult, EMPTY_TALLY))).toBe("completed");
    expect(tallySummary([unit(1, "completed"), unit(2, "completed")].reduce(addResult, EMPTY_TALLY))).toBe("2 units backed up");
    expect(tallyVerdict(EMPTY_TALLY)).toBe("completed");
  });
});
