// How sources, units and backup runs read in the console: words, tones and numbers only. What a
// source is and does comes from the services through tRPC.
import type { Job, SourceDetail, Unit } from "@holdfast/services";

export type Tone = "neutral" | "brand" | "success" | "warning" | "danger" | "info";

export const PROVIDER_LABEL: Record<SourceDetail["provider"], string> = {
  google_workspace: "Google Workspace",
  microsoft_365: "Microsoft 365",
  salesforce: "Salesforce",
  aws: "AWS",
};

export const SOURCE_STATUS: Record<SourceDetail["status"], { label: string; tone: Tone; help: string }> = {
  pending_consent: { label: "Waiting for consent", tone: "warning", help: "The provider's administrator has not approved access yet." },
  connected: { label: "Connected", tone: "success", help: "Holdfast can reach the provider and backs it up on schedule." },
  revoked: { label: "Consent revoked", tone: "danger", help: "The provider's administrator withdrew Holdfast's access: nothing is being backed up. Reconnect to resume." },
  disconnected: { label: "Disconnected", tone: "danger", help: "Holdfast can no longer reach this source: nothing is being backed up. Reconnect to resume." },
  error: { label: "Error", tone: "danger", help: "The last attempt to reach this source failed." },
  removed: {
    label: "Removed",
    tone: "neutral",
    help: "Removed through an approved request: nothing is backed up any more and its credentials were deleted. Its backups stay restorable until their retention dates.",
  },
};

/** Sources that need someone to approve access again before anything is backed up. */
export const needsConsent = (s: Pick<SourceDetail, "status">) => s.status !== "connected" && s.status !== "removed";

export const UNIT_KIND_LABEL: Record<Unit["kind"], string> = {
  gmail: "Mailbox",
  drive: "Drive",
  "shared-drive": "Shared drive",
  calendar: "Calendar",
  contacts: "Contacts",
  exchange: "Mailbox",
  onedrive: "OneDrive",
  sharepoint: "Site",
  "ms-calendar": "Calendar",
  "ms-contacts": "Contacts",
  "salesforce-org": "Salesforce org",
  "s3-bucket": "S3 bucket",
};

/** A status word as shown: its label and badge tone. */
export interface StatusLook {
  label: string;
  tone: Tone;
}

/** Looks a status up in `table`; one it does not know yet shows as itself, in a neutral tone. */
export function lookUpStatus(table: Record<string, StatusLook>, status: string): StatusLook {
  return table[status] ?? { label: status, tone: "neutral" };
}

export const RUN_STATUS: Record<string, StatusLook> = {
  running: { label: "Running", tone: "info" },
  completed: { label: "Completed", tone: "success" },
  completed_with_warnings: { label: "Completed with warnings", tone: "warning" },
  completed_with_errors: { label: "Completed with errors", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export const runStatus = (status: string) => lookUpStatus(RUN_STATUS, status);
export const isRunning = (status: string) => status === "running" || status === "pending" || status === "queued";

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** `1.4 MB` (decimal units, as providers report quotas). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < BYTE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${BYTE_UNITS[i]}`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n);
}

/** `1 h 5 min`, `3 min`, `40 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export interface RunRates {
  /** 0–1 when the total is known, else null (an honest indeterminate bar). */
  fraction: number | null;
  itemsPerSecond: number | null;
  bytesPerSecond: number | null;
  /** Seconds left, only when the total is known and some progress has been made. */
  secondsLeft: number | null;
}

/** Rate and time left from what the job reports; `now` is when it was read. */
export function runRates(job: Pick<Job, "progress" | "startedAt" | "finishedAt">, now: number): RunRates {
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const elapsed = Math.max(0, (end - Date.parse(job.startedAt)) / 1000);
  const { itemsDone, itemsTotal, bytesDone } = job.progress;
  const itemsPerSecond = elapsed >= 1 ? itemsDone / elapsed : null;
  const bytesPerSecond = elapsed >= 1 ? bytesDone / elapsed : null;
  const total = itemsTotal ?? null;
  const fraction = total !== null && total > 0 ? Math.min(1, itemsDone / total) : total === 0 ? 1 : null;
  const secondsLeft = total !== null && itemsPerSecond && itemsPerSecond > 0 && !job.finishedAt ? Math.max(0, (total - itemsDone) / itemsPerSecond) : null;
  return { fraction, itemsPerSecond, bytesPerSecond, secondsLeft };
}

/** The choices offered for a source's schedule (divisors of 24, so runs are evenly spaced). */
export const TIMES_PER_DAY = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/**
 * The schedule's local start times as "HH:MM": the first at 01:00, the rest spread evenly over
 * the day — the same rule as the worker's Temporal schedule (workflows/src/schedules.ts).
 */
export function scheduleTimes(timesPerDay: number): string[] {
  const step = 1440 / timesPerDay;
  return Array.from({ length: timesPerDay }, (_, i) => {
    const at = Math.round(60 + i * step) % 1440;
    return `${String(Math.floor(at / 60)).padStart(2, "0")}:${String(at % 60).padStart(2, "0")}`;
  });
}

/** One line for a schedule: "3 backups a day, every 8 hours (Europe/Paris)". */
export function describeSchedule(s: { timesPerDay: number; timezone: string }): string {
  if (s.timesPerDay === 1) return `One backup a day (${s.timezone})`;
  return `${s.timesPerDay} backups a day, every ${formatDuration((24 / s.timesPerDay) * 3600)} (${s.timezone})`;
}
