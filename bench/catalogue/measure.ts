// Latency figures: nearest-rank percentiles over many random inputs, per query shape.

export interface Figures {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  meanRows: number;
}

/** The value, or a clear error naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`bench: ${what} is missing`);
  return value;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no samples");
  const rank = Math.ceil((p / 100) * sorted.length);
  return must(sorted[Math.min(sorted.length, Math.max(1, rank)) - 1], "percentile sample");
}

export function figures(name: string, samples: { ms: number; rows: number }[]): Figures {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    name,
    n: samples.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    meanRows: samples.reduce((s, x) => s + x.rows, 0) / Math.max(1, samples.length),
  };
}

/** A small seeded PRNG (mulberry32) so two runs ask the same questions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function formatTable(rows: Figures[], targetMs: number): string {
  const head = ["query", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "rows/page", `p95 ≤ ${targetMs} ms`];
  const body = rows.map((r) => [r.name, String(r.n), r.p50.toFixed(1), r.p95.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), r.meanRows.toFixed(1), r.p95 <= targetMs ? "met" : "MISSED"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}
