// The table and the JSON record of one benchmark run.

export interface ToolFigures {
  firstBackup?: { seconds: number; bytes: number; maxRssBytes: number };
  incrementalBackup?: { seconds: number; bytes: number; maxRssBytes: number };
  restore?: { seconds: number; bytes: number; maxRssBytes: number; verified: string };
  /** Ours only: the same restore through the holdfast-restore CLI. */
  cliRestore?: { seconds: number; bytes: number; maxRssBytes: number; verified: string };
  stored?: { objects: number; bytes: number; versionBytes: number };
  pending?: string;
}

const MiB = 1024 * 1024;

export const throughput = (f: { seconds: number; bytes: number } | undefined) => (f ? f.bytes / MiB / f.seconds : undefined);
export const peakRss = (t: ToolFigures) =>
  Math.max(t.firstBackup?.maxRssBytes ?? 0, t.incrementalBackup?.maxRssBytes ?? 0, t.restore?.maxRssBytes ?? 0, t.cliRestore?.maxRssBytes ?? 0) || undefined;

export interface Row {
  metric: string;
  restic?: number;
  ours?: number;
  unit: string;
  /** ours/restic */
  ratio?: number;
  target: string;
  met?: boolean;
}

export function rows(restic: ToolFigures, ours: ToolFigures): Row[] {
  const ratio = (o?: number, r?: number) => (o !== undefined && r !== undefined && r > 0 ? o / r : undefined);
  const tp = (metric: string, r?: number, o?: number): Row => {
    const x = ratio(o, r);
    return { metric, restic: r, ours: o, unit: "MiB/s", ratio: x, target: "ratio ≥ 1.00", met: x === undefined ? undefined : x >= 1 };
  };
  const storedRatio = ratio(ours.stored?.bytes, restic.stored?.bytes);
  const rss = peakRss(ours);
  return [
    tp("first backup throughput", throughput(restic.firstBackup), throughput(ours.firstBackup)),
    tp("incremental throughput", throughput(restic.incrementalBackup), throughput(ours.incrementalBackup)),
    tp("restore throughput", throughput(restic.restore), throughput(ours.restore)),
    tp("  via holdfast-restore CLI", throughput(restic.restore), throughput(ours.cliRestore)),
    {
      metric: "stored bytes",
      restic: restic.stored && restic.stored.bytes / MiB,
      ours: ours.stored && ours.stored.bytes / MiB,
      unit: "MiB",
      ratio: storedRatio,
      target: "ratio ≤ 1.05",
      met: storedRatio === undefined ? undefined : storedRatio <= 1.05,
    },
    {
      metric: "peak RSS",
      restic: peakRss(restic) && (peakRss(restic) ?? 0) / MiB,
      ours: rss && rss / MiB,
      unit: "MiB",
      ratio: ratio(rss, peakRss(restic)),
      target: "ours ≤ 300 MiB",
      met: rss === undefined ? undefined : rss <= 300 * MiB,
    },
  ];
}

export function formatTable(rs: Row[]): string {
  const f = (n?: number, d = 1) => (n === undefined ? "—" : n.toFixed(d));
  const lines = [
    ["metric", "restic", "ours", "unit", "ours/restic", "target", ""],
    ...rs.map((r) => [r.metric, f(r.restic), f(r.ours), r.unit, f(r.ratio, 2), r.target, r.met === undefined ? "pending" : r.met ? "met" : "MISSED"]),
  ];
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length))) ?? [];
  return lines.map((l) => l.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd()).join("\n");
}
