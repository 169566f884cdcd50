import { describe, expect, it } from "vitest";
import { EMPTY_STATS, type BackupUnitResult } from "../contracts";
import { verdict } from "./backup-source";

const unit = (status: BackupUnitResult["status"]): BackupUnitResult => ({ unitId: "00000000-0000-4000-8000-000000000001", status, vaultSnapshotId: null, stats: EMPTY_STATS });

describe("a run's verdict", () => {
  it("is completed only when every unit completed with every item captured", () => {
    expect(verdict([unit("completed"), unit("completed")])).toBe("completed");
    expect(verdict([unit("completed"), unit("completed_with_warnings")])).toBe("completed_with_warnings");
    expect(verdict([unit("completed"), unit("failed")])).toBe("completed_with_warnings");
    expect(verdict([unit("failed"), unit("failed")])).toBe("failed");
    expect(verdict([])).toBe("completed");
  });
});
