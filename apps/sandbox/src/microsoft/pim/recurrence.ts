// Recurring Outlook events (patternedRecurrence, https://learn.microsoft.com/graph/api/resources/patternedrecurrence):
// a `seriesMaster` carries `recurrence: { pattern, range }`; calendarView, its delta and
// `events/{id}/instances` expand it into `occurrence`s with `seriesMasterId`. Supported: pattern
// `daily` and `weekly` (interval, daysOfWeek, firstDayOfWeek) with range `numbered`
// (numberOfOccurrences), `endDate` (inclusive) or `noEnd`, all in UTC. The series starts on the
// master's start date (Graph requires range.startDate to match it), each occurrence at the
// master's time of day with its duration. Occurrence ids carry the master id and the
// occurrence's ordinal, so they survive a reschedule of the series.
import { z } from "zod";

const DAY = 86_400_000;
export const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type DayOfWeek = (typeof DAYS)[number];

export interface Recurrence {
  pattern: { type: "daily" | "weekly"; interval: number; daysOfWeek: DayOfWeek[]; firstDayOfWeek: DayOfWeek };
  range: { type: "numbered" | "endDate" | "noEnd"; endDate: string | null; numberOfOccurrences: number };
}

/** What a client may send (POST/PATCH): Graph's shape, narrowed to what the sandbox expands. */
export const RecurrenceInput = z.object({
  pattern: z.object({
    type: z.enum(["daily", "weekly"], { message: "the sandbox expands only 'daily' and 'weekly' patterns" }),
    interval: z.number().int().min(1).default(1),
    daysOfWeek: z.array(z.enum(DAYS)).default([]),
    firstDayOfWeek: z.enum(DAYS).default("sunday"),
  }),
  range: z.object({
    type: z.enum(["numbered", "endDate", "noEnd"]),
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullish(),
    numberOfOccurrences: z.number().int().min(0).default(0),
    recurrenceTimeZone: z.string().optional(),
  }),
});
export type RecurrenceInput = z.infer<typeof RecurrenceInput>;

/** Normalizes an input; an inconsistent one is a message for a 400. */
export function recurrenceFrom(input: RecurrenceInput, start: number): Recurrence | string {
  const { pattern, range } = input;
  if (range.recurrenceTimeZone && range.recurrenceTimeZone.toUpperCase() !== "UTC") return `The sandbox supports only UTC, not '${range.recurrenceTimeZone}'.`;
  if (range.startDate && range.startDate !== dateOf(start)) return `recurrence.range.startDate ${range.startDate} must be the event's start date ${dateOf(start)}.`;
  if (range.type === "numbered" && range.numberOfOccurrences < 1) return "A numbered range needs numberOfOccurrences ≥ 1.";
  if (range.type === "endDate" && (!range.endDate || range.endDate < dateOf(start))) return "An endDate range needs an endDate on or after the start date.";
  const daysOfWeek = pattern.type === "weekly" ? (pattern.daysOfWeek.length ? pattern.daysOfWeek : [DAYS[new Date(start).getUTCDay()] ?? "monday"]) : [];
  return {
    pattern: { type: pattern.type, interval: pattern.interval, daysOfWeek, firstDayOfWeek: pattern.firstDayOfWeek },
    range: { type: range.type, endDate: range.type === "endDate" ? (range.endDate ?? null) : null, numberOfOccurrences: range.type === "numbered" ? range.numberOfOccurrences : 0 },
  };
}

/** Graph's JSON for a stored recurrence. */
export function recurrenceResource(r: Recurrence, start: number): Record<string, unknown> {
  return {
    pattern: { type: r.pattern.type, interval: r.pattern.interval, month: 0, dayOfMonth: 0, daysOfWeek: r.pattern.daysOfWeek, firstDayOfWeek: r.pattern.firstDayOfWeek, index: "first" },
    range: { type: r.range.type, startDate: dateOf(start), endDate: r.range.endDate ?? "0001-01-01", recurrenceTimeZone: "UTC", numberOfOccurrences: r.range.numberOfOccurrences },
  };
}

export interface Occurrence {
  ordinal: number;
  start: number;
  end: number;
}

/** The series' occurrences overlapping [from, to), in order (at most 5,000 are generated). */
export function occurrences(r: Recurrence, start: number, end: number, from: number, to: number): Occurrence[] {
  const out: Occurrence[] = [];
  const firstDay = start - (((start % DAY) + DAY) % DAY);
  const timeOfDay = start - firstDay;
  const duration = end - start;
  const lastDay = r.range.type === "endDate" && r.range.endDate ? Date.parse(`${r.range.endDate}T00:00:00Z`) : Infinity;
  const limit = r.range.type === "numbered" ? r.range.numberOfOccurrences : Infinity;
  let ordinal = 0;
  const emit = (day: number): boolean => {
    if (ordinal >= limit || day > lastDay || ordinal >= 5_000) return false;
    const s = day + timeOfDay;
    if (s >= to) return false;
    if (s + duration > from) out.push({ ordinal, start: s, end: s + duration });
    ordinal++;
    return true;
  };
  if (r.pattern.type === "daily") {
    for (let day = firstDay; emit(day); day += r.pattern.interval * DAY);
    return out;
  }
  const fdw = DAYS.indexOf(r.pattern.firstDayOfWeek);
  const offsets = [...new Set(r.pattern.daysOfWeek.map((d) => (DAYS.indexOf(d) - fdw + 7) % 7))].sort((a, b) => a - b);
  if (!offsets.length) return out;
  const weekStart = firstDay - ((new Date(firstDay).getUTCDay() - fdw + 7) % 7) * DAY;
  for (let week = weekStart; ; week += r.pattern.interval * 7 * DAY) {
    for (const o of offsets) {
      const day = week + o * DAY;
      if (day < firstDay) continue;
      if (!emit(day)) return out;
    }
  }
}

export function occurrenceId(masterId: string, ordinal: number): string {
  return `AAMkAOcc${Buffer.from(`${masterId}|${ordinal}`).toString("base64url")}`;
}

export function parseOccurrenceId(id: string): { masterId: string; ordinal: number } | undefined {
  if (!id.startsWith("AAMkAOcc")) return undefined;
  const [masterId, ord] = Buffer.from(id.slice(8), "base64url").toString("utf8").split("|");
  const ordinal = Number(ord);
  return masterId && Number.isInteger(ordinal) && ordinal >= 0 ? { masterId, ordinal } : undefined;
}

export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
