// How backup, restore and export jobs read in the console, and the restore wizard's query string:
// words, tones, numbers and URLs only. What a job is and does comes from the services through tRPC.
import type { ExportFormat, JobKind, RestoreItem, Unit } from "@holdfast/services";
import { formatsFor } from "@holdfast/services/export-formats";
import { isRunning, lookUpStatus, RUN_STATUS, type StatusLook } from "./sources";

// ---- status and outcome words -----------------------------------------------------------------

/** The six words the job page shows (the e2e suite reads them); backup-only statuses fold in. */
export const JOB_STATUS: Record<string, StatusLook> = {
  ...RUN_STATUS,
  queued: { label: "Queued", tone: "neutral" },
  pending: { label: "Queued", tone: "neutral" },
  // A backup that missed some items did not capture everything: the same word as a restore's.
  completed_with_warnings: { label: "Completed with errors", tone: "warning" },
};

export function jobStatus(status: string): StatusLook {
  return lookUpStatus(JOB_STATUS, status);
}

/** Still going (queued or running): polled until it is not. The same test as a backup run's. */
export const isActive = isRunning;

export type ItemOutcome = RestoreItem["outcome"];

export const OUTCOME: Record<ItemOutcome, StatusLook> = {
  created: { label: "Restored", tone: "success" },
  replaced: { label: "Replaced", tone: "info" },
  copied: { label: "Copied", tone: "info" },
  skipped: { label: "Skipped", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
  exported: { label: "Exported", tone: "success" },
};

export function outcomeWord(outcome: string): string {
  return (OUTCOME as Record<string, { label: string }>)[outcome]?.label ?? outcome;
}

export const JOB_KIND_LABEL: Record<JobKind, string> = { backup: "Backup", restore: "Restore", export: "Export" };

/** `Restore of alice@example.com`, `Backup of Example Ltd`; the subject may not be known yet. */
export function jobTitle(kind: JobKind, subject: string | null | undefined): string {
  return subject ? `${JOB_KIND_LABEL[kind]} of ${subject}` : JOB_KIND_LABEL[kind];
}

// ---- export formats ---------------------------------------------------------------------------

export function exportFormatsFor(kind: Unit["kind"]): readonly ExportFormat[] {
  return formatsFor(kind);
}

export const EXPORT_FORMAT_LABEL: Record<ExportFormat, string> = {
  "eml-zip": "EML files in a ZIP",
  mbox: "MBOX file",
  zip: "Original files in a ZIP",
  ics: "iCalendar file (.ics)",
  vcf: "vCard file (.vcf)",
  original: "The item's own file",
};

// ---- progress ---------------------------------------------------------------------------------

export interface JobRates {
  /** 0–1 when the total is known, else null (an honest indeterminate bar). */
  fraction: number | null;
  itemsPerSecond: number | null;
  bytesPerSecond: number | null;
  /** Only when the total is known, some progress made and the job still running. */
  secondsLeft: number | null;
}

/** Rates from what the job reports; `now` is when it was read (ignored once finished). */
export function jobRates(job: { progress: { itemsDone: number; itemsTotal?: number; bytesDone: number }; startedAt: string; finishedAt: string | null }, now: number): JobRates {
  const started = Date.parse(job.startedAt);
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const elapsed = Number.isFinite(started) && Number.isFinite(end) ? Math.max(0, (end - started) / 1000) : 0;
  const { itemsDone, itemsTotal, bytesDone } = job.progress;
  const itemsPerSecond = elapsed >= 1 ? itemsDone / elapsed : null;
  const bytesPerSecond = elapsed >= 1 && bytesDone > 0 ? bytesDone / elapsed : null;
  const total = itemsTotal ?? null;
  const fraction = total === null ? null : total > 0 ? Math.min(1, itemsDone / total) : 1;
  const secondsLeft = total !== null && !job.finishedAt && itemsPerSecond !== null && itemsPerSecond > 0 ? Math.max(0, (total - itemsDone) / itemsPerSecond) : null;
  return { fraction, itemsPerSecond, bytesPerSecond, secondsLeft };
}

// ---- the wizard's query string ----------------------------------------------------------------

export type WizardMode = "restore" | "export";
export type Destination = "original" | "unit" | "download";
export type Conflict = "skip" | "copy" | "replace";

export interface WizardQuery {
  unitId: string | null;
  asOf: string | null;
  items: string[];
  paths: string[];
  mode: WizardMode;
  to: Destination;
  target: string | null;
  format: ExportFormat | null;
  conflict: Conflict;
  copyFolder: string | null;
}

type RawQuery = Record<string, string | string[] | undefined> | URLSearchParams;

function all(q: RawQuery, key: string): string[] {
  if (q instanceof URLSearchParams) return q.getAll(key);
  const v = q[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
const one = (q: RawQuery, key: string): string | null => all(q, key)[0] ?? null;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORMATS = new Set<string>(["eml-zip", "mbox", "zip", "ics", "vcf", "original"]);

/** A valid instant as ISO, else null (a hand-edited URL does not break the page). */
export function parseInstant(raw: string | null): string | null {
  if (!raw) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The wizard's state from its URL. Unknown or malformed values are dropped, duplicates removed,
 * and folder paths normalised to `/a/b`; `mode=export` means a download.
 */
export function parseWizardQuery(q: RawQuery): WizardQuery {
  const mode: WizardMode = one(q, "mode") === "export" ? "export" : "restore";
  const toRaw = one(q, "to");
  let to: Destination = toRaw === "unit" || toRaw === "download" || toRaw === "original" ? toRaw : mode === "export" ? "download" : "original";
  if (mode === "export") to = "download";
  if (mode === "restore" && to === "download") to = "original";
  const conflictRaw = one(q, "conflict");
  const format = one(q, "format");
  const target = one(q, "target");
  const copyFolder = one(q, "copyFolder")?.trim() ?? null;
  const unit = one(q, "unit");
  return {
    unitId: unit && UUID.test(unit) ? unit.toLowerCase() : null,
    asOf: parseInstant(one(q, "asOf")),
    items: [...new Set(all(q, "item").filter((i) => UUID.test(i)).map((i) => i.toLowerCase()))],
    paths: [...new Set(all(q, "path").map(normalisePath).filter((p): p is string => p !== null))],
    mode,
    to,
    target: target && UUID.test(target) ? target.toLowerCase() : null,
    format: format && FORMATS.has(format) ? (format as ExportFormat) : null,
    conflict: conflictRaw === "copy" || conflictRaw === "replace" ? conflictRaw : "skip",
    copyFolder: copyFolder ? copyFolder.slice(0, 255) : null,
  };
}

/** `/a/b` from `a/b/`, `//a//b`; null for empty input. */
export function normalisePath(raw: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  const parts = trimmed.split("/").filter(Boolean);
  return `/${parts.join("/")}`;
}

/** The wizard's URL for a state (what browse links to, and what the wizard keeps in the address bar). */
export function wizardHref(orgId: string, q: Partial<WizardQuery> & { unitId: string }): string {
  const p = new URLSearchParams();
  p.set("unit", q.unitId);
  if (q.asOf) p.set("asOf", q.asOf);
  for (const i of q.items ?? []) p.append("item", i);
  for (const path of q.paths ?? []) p.append("path", path);
  const mode = q.mode ?? (q.to === "download" ? "export" : "restore");
  p.set("mode", mode);
  if (q.to && q.to !== (mode === "export" ? "download" : "original")) p.set("to", q.to);
  if (q.to === "unit" && q.target) p.set("target", q.target);
  if (q.format && mode === "export") p.set("format", q.format);
  if (mode === "restore" && q.conflict && q.conflict !== "skip") p.set("conflict", q.conflict);
  if (mode === "restore" && q.copyFolder) p.set("copyFolder", q.copyFolder);
  return `/o/${orgId}/restore?${p.toString()}`;
}

/** The selection is everything in the unit: nothing named, or the root folder among the folders. */
export function isWholeUnit(q: Pick<WizardQuery, "items" | "paths">): boolean {
  return (q.items.length === 0 && q.paths.length === 0) || q.paths.includes("/");
}

/** The services' default copy folder for an as-of time (the same words, so the prefilled value is what would happen anyway). */
export function defaultCopyFolder(asOfIso: string): string {
  return `Restored by Holdfast (as of ${new Date(asOfIso).toISOString().slice(0, 16).replace("T", " ").replace(":", ".")} UTC)`;
}

// ---- datetime-local <-> instant ---------------------------------------------------------------

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `2026-11-28T14:05:09` in the viewer's zone (what a datetime-local input holds). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The instant a datetime-local value names in the viewer's zone; null when incomplete. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((ms ?? "0").padEnd(3, "0")));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// ---- the review sentence ----------------------------------------------------------------------

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export interface ReviewInput {
  mode: WizardMode;
  items: number;
  paths: string[];
  unitName: string;
  /** The as-of time already formatted for the viewer (e.g. "28 Nov 2026, 14:05"). */
  asOfText: string;
  to: Destination;
  targetName?: string | null;
  formatLabel?: string | null;
  conflict: Conflict;
  copyFolder?: string | null;
}

/** What the selection is, in words: "3 items and 1 folder", or "everything in alice@…". */
export function selectionPhrase(items: number, paths: string[], unitName: string): string {
  if ((items === 0 && paths.length === 0) || paths.includes("/")) return `everything in ${unitName}`;
  const parts = [items > 0 ? plural(items, "item", "items") : null, paths.length > 0 ? plural(paths.length, "folder", "folders") : null].filter(Boolean);
  return `${parts.join(" and ")} from ${unitName}`;
}

const CONFLICT_CLAUSE: Record<Conflict, (copyFolder: string | null | undefined) => string> = {
  skip: () => "existing items are skipped",
  copy: (f) => (f ? `existing items are kept and the backed-up versions are written to "${f}"` : "existing items are kept and the backed-up versions are written beside them"),
  replace: () => "existing items are replaced by the backed-up versions",
};

/**
 * One sentence restating the whole request, e.g. "Restore 3 items and 1 folder from alice@… as
 * they were on 28 Nov 2026, 14:05 into the original location; existing items are skipped."
 */
export function reviewSentence(r: ReviewInput): string {
  const what = selectionPhrase(r.items, r.paths, r.unitName);
  if (r.to === "download") {
    return `Export ${what} as they were on ${r.asOfText} as a download (${r.formatLabel ?? "archive"}).`;
  }
  const where = r.to === "unit" ? `into ${r.targetName ?? "another account"}${r.copyFolder ? `, in the folder "${r.copyFolder}"` : ""}` : "into the original location";
  const conflict = r.to === "unit" ? CONFLICT_CLAUSE[r.conflict](null) : CONFLICT_CLAUSE[r.conflict](r.copyFolder);
  return `Restore ${what} as they were on ${r.asOfText} ${where}; ${conflict}.`;
}

/** The wizard's Start button. */
export const startLabel = (mode: WizardMode) => (mode === "export" ? "Start export" : "Start restore");
