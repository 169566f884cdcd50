// Retention policies (docs/adr/0018-retention-policies.md): pure rules, no database. A snapshot's
// retain-until is fixed when it is taken, from the policy in force then; the vault's compliance
// locks carry that date, so nothing here may ever produce an earlier date than the policy promises.
import { z } from "zod";

const count = (max: number) => z.number().int("must be a whole number").min(0, "must not be negative").max(max, `must be at most ${max}`);

export const RetentionPolicy = z
  .object({
    /** Every snapshot is kept this many days. */
    keepAllDays: count(36_500).min(1, "must be at least 1 day"),
    /** The first snapshot of each day (in the source's time zone) is kept this many days. */
    daily: count(36_500),
    /** The first snapshot of each ISO week (from Monday) is kept this many weeks. */
    weekly: count(5_200),
    /** The first snapshot of each month is kept this many calendar months. */
    monthly: count(1_200),
    /** The first snapshot of each year is kept this many calendar years. */
    yearly: count(100),
    /** Keep every snapshot (a compliance lock needs a date: 100 years from the snapshot). */
    forever: z.boolean(),
    /** Backups of a unit whose user left (suspended, deleted) are kept at least this many days. */
    offboardedKeepDays: count(36_500),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

/**
 * Grandfather-father-son points as peers keep them (Keepit, Veeam, OwnBackup): a month of
 * everything, then dailies for a quarter, weeklies for half a year, monthlies for a year and
 * yearlies for seven (a common records-retention horizon); a leaver's backups for a year.
 */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = Object.freeze({
  keepAllDays: 30,
  daily: 90,
  weekly: 26,
  monthly: 12,
  yearly: 7,
  forever: false,
  offboardedKeepDays: 365,
});

/** How long `forever` locks: object locks need a date; the sweep extends them before they lapse. */
export const FOREVER_YEARS = 100;

/** Which calendar periods (in the source's time zone) a snapshot is the first committed one of. */
export interface PeriodFirsts {
  day: boolean;
  week: boolean;
  month: boolean;
  year: boolean;
}

const DAY_MS = 86_400_000;

/** `at` plus whole calendar months (UTC), the day clamped to the target month's end (31 Jan + 1 = 28/29 Feb). */
export function addMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const out = new Date(at.getTime());
  out.setUTCFullYear(y, m, Math.min(at.getUTCDate(), lastDay));
  return out;
}

/**
 * The retain-until date of a snapshot taken at `takenAt`: kept `keepAllDays`, and longer if it is
 * the first of its day / week / month / year; the longest rule wins. An offboarded unit's snapshot
 * is also kept at least `offboardedKeepDays`.
 */
export function retainUntilFor(policy: RetentionPolicy, takenAt: Date, firsts: PeriodFirsts, opts: { offboarded?: boolean } = {}): Date {
  const p = RetentionPolicy.parse(policy);
  const t = takenAt.getTime();
  if (Number.isNaN(t)) throw new Error("retainUntilFor: takenAt is not a valid date");
  if (p.forever) return addMonths(takenAt, FOREVER_YEARS * 12);
  const candidates = [t + p.keepAllDays * DAY_MS];
  if (firsts.day && p.daily > 0) candidates.push(t + p.daily * DAY_MS);
  if (firsts.week && p.weekly > 0) candidates.push(t + p.weekly * 7 * DAY_MS);
  if (firsts.month && p.monthly > 0) candidates.push(addMonths(takenAt, p.monthly).getTime());
  if (firsts.year && p.yearly > 0) candidates.push(addMonths(takenAt, p.yearly * 12).getTime());
  if (opts.offboarded && p.offboardedKeepDays > 0) candidates.push(t + p.offboardedKeepDays * DAY_MS);
  return new Date(Math.max(...candidates));
}

interface LocalDay {
  year: number;
  month: number;
  /** Days since 1970-01-01 of the local calendar date (not an instant). */
  dayNumber: number;
}

function localDay(formatter: Intl.DateTimeFormat, at: Date): LocalDay {
  const parts = formatter.formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const year = n("year");
  const month = n("month");
  return { year, month, dayNumber: Math.floor(Date.UTC(year, month - 1, n("day")) / DAY_MS) };
}

/** Monday of the local date's ISO week, as a day number (1970-01-01 was a Thursday). */
const isoWeekStart = (dayNumber: number) => dayNumber - ((((dayNumber + 3) % 7) + 7) % 7);

/**
 * Which periods of `takenAt` (day, ISO week from Monday, month, year, in `timeZone`) have no
 * earlier snapshot. Snapshots in `earlierTakenAt` that are not strictly before `takenAt` are ignored.
 */
export function periodFirsts(takenAt: Date, earlierTakenAt: readonly Date[], timeZone: string): PeriodFirsts {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" });
  } catch {
    throw new Error(`periodFirsts: "${timeZone}" is not an IANA time zone`);
  }
  const now = localDay(formatter, takenAt);
  const firsts: PeriodFirsts = { day: true, week: true, month: true, year: true };
  for (const e of earlierTakenAt) {
    if (!(e.getTime() < takenAt.getTime())) continue;
    const d = localDay(formatter, e);
    if (d.dayNumber === now.dayNumber) firsts.day = false;
    if (isoWeekStart(d.dayNumber) === isoWeekStart(now.dayNumber)) firsts.week = false;
    if (d.year === now.year && d.month === now.month) firsts.month = false;
    if (d.year === now.year) firsts.year = false;
  }
  return firsts;
}

export type RetentionComparison = "longer" | "same" | "shorter" | "mixed";

const FIELDS = ["keepAllDays", "daily", "weekly", "monthly", "yearly", "offboardedKeepDays"] as const;

/**
 * Whether `next` keeps at least as much as `old`. Only "longer" and "same" may apply at once;
 * "shorter" and "mixed" (any rule shortened) weaken protection. `forever` keeps everything, so it
 * beats any finite policy; while both are forever the other fields are dormant ("same"), and
 * leaving forever is always "shorter".
 */
export function compareRetention(old: RetentionPolicy, next: RetentionPolicy): RetentionComparison {
  if (old.forever || next.forever) {
    if (old.forever && next.forever) return "same";
    return next.forever ? "longer" : "shorter";
  }
  let longer = false;
  let shorter = false;
  for (const f of FIELDS) {
    if (next[f] > old[f]) longer = true;
    if (next[f] < old[f]) shorter = true;
  }
  if (longer && shorter) return "mixed";
  return longer ? "longer" : shorter ? "shorter" : "same";
}
