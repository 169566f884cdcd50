// Words, tones and numbers of the overview. Pure, so they are unit-tested; the states themselves
// are decided by the services (packages/services/src/dashboard/classify.ts).
import type { DashboardHistoryDay, DashboardRunDuration, DashboardSource, ProtectionState } from "@holdfast/services";
import { formatBytes, formatDuration, type Tone } from "../../lib/sources";

export const PROTECTION_STATE: Record<ProtectionState, { label: string; tone: Tone; help: string }> = {
  protected: { label: "Protected", tone: "success", help: "Every selected unit has a recent recovery point." },
  warning: { label: "Needs attention", tone: "warning", help: "Backups run, but something is missing or late." },
  failing: { label: "Failing", tone: "danger", help: "The last backup failed." },
  stopped: { label: "Backups stopped", tone: "danger", help: "No backup has succeeded for too long." },
  revoked: { label: "Access revoked", tone: "danger", help: "Holdfast can no longer reach this source: nothing is being backed up." },
  pending: { label: "Getting ready", tone: "info", help: "Waiting for consent or for the first backup." },
  removed: { label: "Removed", tone: "neutral", help: "Removed through an approved request: nothing is backed up any more; its backups stay restorable until their retention dates." },
};

/** Red states get the banner and the Reconnect action. */
export const isBroken = (s: Pick<DashboardSource, "state">) => s.state === "revoked" || s.state === "stopped";

/**
 * A recovery point's age, compact: `under a minute`, `42 min`, `5 h 20 min`, `3 d 4 h`. Days start
 * at 48 h, where a backup counts as stopped, so "1 d" never hides how late it really is.
 */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return "under a minute";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** Green while within schedule, amber once late, red once stopped. */
export function ageTone(seconds: number | null, t: DashboardSource["thresholds"] | undefined): Tone {
  if (seconds === null) return "neutral";
  if (!t) return seconds > 48 * 3600 ? "danger" : "neutral";
  if (seconds > t.stoppedAfterSeconds) return "danger";
  if (seconds > t.lateAfterSeconds) return "warning";
  return "success";
}

/** `6 Mar` for a `2026-03-06` calendar day (already the viewer's day: no zone shift). */
export function dayLabel(day: string, locale?: string): string {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The text equivalent of a series chart: where it started, where it ended, its peak. */
export function seriesSummary(days: readonly DashboardHistoryDay[], pick: (d: DashboardHistoryDay) => number, what: string): string {
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return `No ${what} recorded yet.`;
  const peak = days.reduce((best, d) => (pick(d) > pick(best) ? d : best), first);
  const change = pick(last) - pick(first);
  const trend = change === 0 ? "unchanged" : change > 0 ? `up ${formatBytes(change)}` : `down ${formatBytes(-change)}`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${formatBytes(pick(first))} on ${dayLabel(first.day)}, ${formatBytes(pick(last))} on ${dayLabel(last.day)} (${trend}); peak ${formatBytes(pick(peak))} on ${dayLabel(peak.day)}.`;
}

export const RUN_COLOUR: Record<DashboardRunDuration["status"], string> = {
  completed: "#059669",
  completed_with_warnings: "#d97706",
  failed: "#dc2626",
  cancelled: "#64748b",
  running: "#0284c7",
};

/** The text equivalent of the run-duration chart. */
export function runsSummary(runs: readonly DashboardRunDuration[]): string {
  if (runs.length === 0) return "No backup finished in this period.";
  const longest = runs.reduce((a, b) => (b.durationSeconds > a.durationSeconds ? b : a));
  const total = runs.reduce((n, r) => n + r.durationSeconds, 0);
  const failed = runs.filter((r) => r.status === "failed").length;
  const warned = runs.filter((r) => r.status === "completed_with_warnings").length;
  const parts = [
    `${runs.length} ${runs.length === 1 ? "run" : "runs"} finished`,
    `average ${formatDuration(total / runs.length)}`,
    `longest ${formatDuration(longest.durationSeconds)}`,
  ];
  if (failed) parts.push(`${failed} failed`);
  if (warned) parts.push(`${warned} with warnings`);
  return `${parts.join(", ")}.`;
}
