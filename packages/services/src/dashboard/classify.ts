// How the overview judges a source: pure rules, no I/O, so they are unit-tested on their own.
//
// Thresholds (ADR-worthy, kept here because the SQL in summary.ts repeats the first one):
// - A source is *late* (warning) when its last successful backup is older than two schedule
//   intervals plus the schedule's jitter: one scheduled run was missed or failed, the next one is
//   due. At the default 3 runs a day with 30 min of jitter that is 16 h 30 min.
// - A source has *stopped* (red) when that age passes 48 h, or the late threshold if that is longer
//   (1 run a day with a long jitter): two days without a recovery point is a broken backup however
//   the schedule is set, and an admin must look.
// - A source never backed up counts from when it was connected.
import type { RunIssueReason, RunStatus, SourceProvider, SourceStatus } from "@holdfast/db";
import { PROTECTION_STATES, type DashboardReason, type DashboardUnitCounts, type ProtectionState } from "./types";

export const STOPPED_AFTER_SECONDS = 48 * 3600;

export interface ScheduleFacts {
  timesPerDay: number;
  jitterMinutes: number;
  paused: boolean;
}

export function thresholds(schedule: Pick<ScheduleFacts, "timesPerDay" | "jitterMinutes">): { lateAfterSeconds: number; stoppedAfterSeconds: number } {
  const interval = 86_400 / Math.max(1, schedule.timesPerDay);
  const late = Math.round(2 * interval + 60 * schedule.jitterMinutes);
  return { lateAfterSeconds: late, stoppedAfterSeconds: Math.max(STOPPED_AFTER_SECONDS, late) };
}

export interface RunFacts {
  status: RunStatus;
  issueCount: number;
  errorSummary: string | null;
}

export interface SourceFacts {
  provider: SourceProvider;
  status: SourceStatus;
  schedule: ScheduleFacts;
  /** When consent completed (or the source was created, for sources registered before that was recorded). */
  connectedAt: Date;
  /** The most recent run that has ended (running ones are not judged yet). */
  lastFinishedRun: RunFacts | null;
  lastSuccessAt: Date | null;
  units: DashboardUnitCounts;
  /** Issues of `lastFinishedRun`, by reason. */
  issues: { reason: RunIssueReason; count: number }[];
  /** Set for a removed source: when the guard removed it. */
  removedAt?: Date | null;
}

const CONSOLE: Record<SourceProvider, string> = {
  google: "the Google Admin console",
  microsoft: "Microsoft Entra admin center",
  salesforce: "Salesforce Setup",
  aws: "the AWS account",
};

const ADMIN: Record<SourceProvider, string> = {
  google: "a Google Workspace super admin",
  microsoft: "a Microsoft 365 global administrator",
  salesforce: "a Salesforce administrator",
  aws: "an AWS account administrator",
};

/** Items a run could not capture, by reason: how to say it and what to do. */
export const ISSUE_HELP: Record<RunIssueReason, { label: string; action: string }> = {
  rate_limited: { label: "throttled by the provider", action: "they are retried on the next run" },
  unsupported: { label: "of a type the provider cannot export", action: "keep them another way" },
  permission: { label: "out of reach of Holdfast's access", action: "check the delegated scopes, or reconnect the source" },
  not_found: { label: "deleted or moved while the backup ran", action: "nothing to do" },
  too_large: { label: "larger than the provider lets Holdfast export", action: "keep them another way" },
  failed: { label: "failed to download", action: "they are retried on the next run; contact support if it persists" },
  disconnected: { label: "lost when the connection dropped", action: "reconnect the source" },
};

const plural = (n: number, one: string, many = `${one}s`) => `${new Intl.NumberFormat("en").format(n)} ${n === 1 ? one : many}`;

/** `3 days`, `5 h`, `40 min`: for sentences, not for the precise figures the UI shows. */
export function roughAge(seconds: number): string {
  if (seconds >= 2 * 86_400) return plural(Math.floor(seconds / 86_400), "day");
  if (seconds >= 3600) return plural(Math.floor(seconds / 3600), "hour");
  return plural(Math.max(1, Math.floor(seconds / 60)), "minute");
}

/** The reasons a source is not simply protected, worst first. */
export function sourceReasons(f: SourceFacts, now: Date): DashboardReason[] {
  const reasons: DashboardReason[] = [];
  const t = thresholds(f.schedule);
  switch (f.status) {
    case "revoked":
      return [
        {
          code: "consent_revoked",
          severity: "danger",
          message: `Consent was revoked in ${CONSOLE[f.provider]}: nothing is being backed up.`,
          action: `Reconnect the source: ${ADMIN[f.provider]} approves Holdfast's access again. Existing backups stay restorable.`,
        },
      ];
    case "disconnected":
      return [
        {
          code: "disconnected",
          severity: "danger",
          message: "Holdfast can no longer reach this source: nothing is being backed up.",
          action: `Reconnect the source; if it fails again, check that Holdfast's app is still allowed in ${CONSOLE[f.provider]}.`,
        },
      ];
    case "error":
      return [
        {
          code: "source_error",
          severity: "danger",
          message: "The last attempt to reach this source failed.",
          action: "Open the source to see the error; reconnect it if the provider's access changed.",
        },
      ];
    case "pending_consent":
      return [
        {
          code: "consent_pending",
          severity: "info",
          message: `Waiting for ${ADMIN[f.provider]} to approve access; nothing is backed up yet.`,
          action: "Open the source and send its administrator the consent link, or get a fresh one.",
        },
      ];
    case "removed":
      // Not late, not failing: nothing is expected of it any more (issue 7). Its backups stay.
      return [
        {
          code: "source_removed",
          severity: "info",
          message: `Removed${f.removedAt ? ` on ${f.removedAt.toISOString().slice(0, 10)}` : ""} through an approved request: nothing is backed up any more and its credentials were deleted.`,
          action: "Its backups stay restorable until their retention dates. To protect the account again, connect it as a new source.",
        },
      ];
    case "connected":
      break;
    default: {
      const never: never = f.status;
      throw new Error(`unknown source status ${String(never)}`);
    }
  }

  const since = f.lastSuccessAt ?? f.connectedAt;
  const age = Math.max(0, (now.getTime() - since.getTime()) / 1000);
  if (age > t.stoppedAfterSeconds) {
    reasons.push({
      code: "backups_stopped",
      severity: "danger",
      message: f.lastSuccessAt ? `No backup has succeeded for ${roughAge(age)}.` : `No backup has succeeded since the source was connected ${roughAge(age)} ago.`,
      action: f.schedule.paused ? "Resume the schedule in the source's settings, then run a backup now." : "Open the source, read the last run's error and run a backup now; contact support if it fails again.",
    });
  } else if (f.lastSuccessAt && age > t.lateAfterSeconds) {
    reasons.push({
      code: "backups_late",
      severity: "warning",
      message: `The last successful backup was ${roughAge(age)} ago; at least one scheduled run was missed.`,
      action: "Check the last run below; if the next scheduled run does not succeed, run a backup now.",
    });
  } else if (!f.lastSuccessAt) {
    reasons.push({
      code: "no_backup_yet",
      severity: "info",
      message: "The first backup has not finished yet.",
      action: "Nothing to do: it runs by itself. Follow it on the source's page.",
    });
  }

  if (f.schedule.paused) {
    reasons.push({
      code: "schedule_paused",
      severity: "warning",
      message: "Scheduled backups are paused.",
      action: "Resume the schedule in the source's settings.",
    });
  }

  const run = f.lastFinishedRun;
  if (run?.status === "failed") {
    reasons.push({
      code: "last_run_failed",
      severity: "danger",
      message: run.errorSummary ? `The last backup failed: ${run.errorSummary}` : "The last backup failed.",
      action: "It is retried at the next scheduled run; run a backup now once the cause is fixed.",
    });
  } else if (run?.status === "cancelled") {
    reasons.push({
      code: "last_run_cancelled",
      severity: "warning",
      message: "The last backup was cancelled before it finished.",
      action: "Run a backup now, or wait for the next scheduled run.",
    });
  } else if (run?.status === "completed_with_warnings" && run.issueCount > 0) {
    const top = [...f.issues].sort((a, b) => b.count - a.count);
    const main = top[0];
    reasons.push({
      code: "run_issues",
      severity: "warning",
      message: `The last backup could not capture ${plural(run.issueCount, "item")}.`,
      action: main ? `${main.count === run.issueCount ? (main.count === 1 ? "It was" : "All were") : "Most were"} ${ISSUE_HELP[main.reason].label}: ${ISSUE_HELP[main.reason].action}.` : "Open the source to see which items and why.",
      issues: top,
    });
  }

  if (f.units.failing > 0) {
    reasons.push({
      code: "units_failing",
      severity: "warning",
      message: `${plural(f.units.failing, "unit")} ${f.units.failing === 1 ? "has" : "have"} no recent recovery point.`,
      action: "Open the source to see which mailboxes, drives or sites fail and why.",
    });
  }
  if (f.units.total === 0) {
    reasons.push({
      code: "no_units",
      severity: "warning",
      message: "No mailbox, drive or site is selected for backup.",
      action: "Open the source and protect the units you want backed up.",
    });
  } else if (f.units.pending > 0 && f.lastSuccessAt) {
    reasons.push({
      code: "units_never_backed_up",
      severity: "info",
      message: `${plural(f.units.pending, "unit")} ${f.units.pending === 1 ? "has" : "have"} not been backed up yet.`,
      action: "Nothing to do: they are included in the next scheduled run.",
    });
  }
  return reasons;
}

const SEVERITY_RANK = { danger: 0, warning: 1, info: 2 } as const;

/** One state per source, from its reasons (see the module comment for the thresholds). */
export function classifySource(reasons: readonly DashboardReason[]): ProtectionState {
  const codes = new Set(reasons.map((r) => r.code));
  if (codes.has("source_removed")) return "removed";
  if (codes.has("consent_revoked") || codes.has("disconnected")) return "revoked";
  if (codes.has("backups_stopped")) return "stopped";
  if (reasons.some((r) => r.severity === "danger")) return "failing";
  if (reasons.some((r) => r.severity === "warning")) return "warning";
  if (codes.has("consent_pending") || codes.has("no_backup_yet")) return "pending";
  return "protected";
}

export const stateRank = (s: ProtectionState) => PROTECTION_STATES.indexOf(s);

export function sortReasons<T extends DashboardReason>(reasons: T[]): T[] {
  return [...reasons].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}
