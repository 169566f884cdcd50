import { describe, expect, it } from "vitest";
import { ageTone, dayLabel, formatAge, isBroken, runsSummary, seriesSummary } from "./format";

const T = { lateAfterSeconds: 16.5 * 3600, stoppedAfterSeconds: 48 * 3600 };

describe("formatAge", () => {
  it("is compact and exact enough to tell late from stopped", () => {
    expect(formatAge(null)).toBe("—");
    expect(formatAge(-1)).toBe("—");
    expect(formatAge(12)).toBe("under a minute");
    expect(formatAge(42 * 60 + 59)).toBe("42 min");
    expect(formatAge(5 * 3600)).toBe("5 h");
    expect(formatAge(5 * 3600 + 20 * 60)).toBe("5 h 20 min");
    expect(formatAge(47 * 3600 + 59 * 60)).toBe("47 h 59 min");
    expect(formatAge(48 * 3600)).toBe("2 d");
    expect(formatAge(3 * 86_400 + 4 * 3600 + 59)).toBe("3 d 4 h");
  });
});

describe("ageTone", () => {
  it("follows the source's thresholds", () => {
    expect(ageTone(null, T)).toBe("neutral");
    expect(ageTone(3600, T)).toBe("success");
    expect(ageTone(17 * 3600, T)).toBe("warning");
    expect(ageTone(49 * 3600, T)).toBe("danger");
    expect(ageTone(49 * 3600, undefined)).toBe("danger");
  });
});

describe("isBroken", () => {
  it("is true for revoked and stopped sources only", () => {
    expect(isBroken({ state: "revoked" })).toBe(true);
    expect(isBroken({ state: "stopped" })).toBe(true);
    expect(isBroken({ state: "failing" })).toBe(false);
    expect(isBroken({ state: "pending" })).toBe(false);
  });
});

describe("chart text equivalents", () => {
  const day = (d: string, protectedBytes: number) => ({ day: d, protectedBytes, protectedItems: 1, vaultBytes: protectedBytes, vaultBytesAdded: 0 });

  it("labels calendar days without shifting them across zones", () => {
    expect(dayLabel("2026-03-06", "en-GB")).toBe("6 Mar");
    expect(dayLabel("garbage")).toBe("garbage");
  });

  it("summarises a series by its ends and its peak", () => {
    expect(seriesSummary([], (d) => d.protectedBytes, "protected data")).toBe("No protected data recorded yet.");
    const s = seriesSummary([day("2026-03-06", 1000), day("2026-03-07", 5_000_000), day("2026-03-08", 2_000_000)], (d) => d.protectedBytes, "protected data");
    expect(s).toMatch(/^Protected data: 1\.0 KB on .*, 2\.0 MB on .* \(up 2\.0 MB\); peak 5\.0 MB on /);
  });

  it("summarises runs: count, average, longest and failures", () => {
    expect(runsSummary([])).toBe("No backup finished in this period.");
    const run = (durationSeconds: number, status: "completed" | "failed" | "completed_with_warnings") => ({
      id: "x",
      sourceId: "s",
      status,
      trigger: "scheduled" as const,
      startedAt: "2026-03-06T00:00:00.000Z",
      finishedAt: "2026-03-06T00:00:00.000Z",
      durationSeconds,
      itemsDone: 0,
      bytesDone: 0,
    });
    expect(runsSummary([run(60, "completed"), run(180, "failed"), run(120, "completed_with_warnings")])).toBe("3 runs finished, average 2 min, longest 3 min, 1 failed, 1 with warnings.");
  });
});
