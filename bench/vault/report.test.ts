import { describe, expect, it } from "vitest";
import { formatTable, rows } from "./report";

const MiB = 1024 * 1024;
const fig = (seconds: number, rss = 100) => ({ seconds, bytes: 100 * MiB, maxRssBytes: rss * MiB });

describe("report", () => {
  it("computes ratios ours/restic and judges the targets", () => {
    const r = rows(
      { firstBackup: fig(10), incrementalBackup: fig(2), restore: { ...fig(5), verified: "identical" }, stored: { objects: 1, bytes: 50 * MiB, versionBytes: 50 * MiB } },
      { firstBackup: fig(5, 250), incrementalBackup: fig(4), restore: { ...fig(5), verified: "identical" }, stored: { objects: 1, bytes: 52 * MiB, versionBytes: 52 * MiB } },
    );
    expect(r.map((x) => [x.metric, x.ratio, x.met])).toEqual([
      ["first backup throughput", 2, true],
      ["incremental throughput", 0.5, false],
      ["restore throughput", 1, true],
      ["  via holdfast-restore CLI", undefined, undefined],
      ["stored bytes", 1.04, true],
      ["peak RSS", 2.5, true],
    ]);
    expect(formatTable(r)).toContain("MISSED");
  });

  it("marks figures it does not have as pending", () => {
    const table = formatTable(rows({ firstBackup: fig(10) }, { pending: "engine API not available" }));
    expect(table).toContain("pending");
    expect(table).toContain("—");
  });
});
