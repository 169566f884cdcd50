import type { Drill } from "@holdfast/services";

export const DRILL_STATUS: Record<Drill["status"], { label: string; tone: "success" | "danger" | "info" }> = {
  passed: { label: "Passed", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  running: { label: "Running", tone: "info" },
};

/** `850 ms`, `2.6 s`, `4 min`: a drill's measured restore time. */
export function formatRestoreTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
}

/** `12 of 12 matched the catalogue` (or how many did not). */
export function drillItemsSummary(d: Pick<Drill, "itemsSampled" | "itemsMatched">): string {
  if (d.itemsSampled === 0) return "No items to sample";
  const off = d.itemsSampled - d.itemsMatched;
  return off === 0 ? `${d.itemsMatched} of ${d.itemsSampled} matched the catalogue` : `${off} of ${d.itemsSampled} did not match the catalogue`;
}
