import { describe, expect, it } from "vitest";
import { occurrenceId, occurrences, parseOccurrenceId, recurrenceFrom, type Recurrence } from "./recurrence";

const at = (iso: string) => Date.parse(iso);
const days = (list: { start: number }[]) => list.map((o) => new Date(o.start).toISOString().slice(0, 16));

describe("recurrence expansion", () => {
  it("expands weekly patterns on several days, from the master's start, up to the count", () => {
    const r = recurrenceFrom({ pattern: { type: "weekly", interval: 2, daysOfWeek: ["tuesday", "friday"], firstDayOfWeek: "sunday" }, range: { type: "numbered", numberOfOccurrences: 4 } }, at("2025-01-03T09:00:00Z"));
    if (typeof r === "string") throw new Error(r);
    // Friday the 3rd starts it; Tuesday of that week lies before the start and is skipped.
    expect(days(occurrences(r, at("2025-01-03T09:00:00Z"), at("2025-01-03T10:00:00Z"), -Infinity, Infinity))).toEqual(["2025-01-03T09:00", "2025-01-14T09:00", "2025-01-17T09:00", "2025-01-28T09:00"]);
  });

  it("stops daily series at an inclusive end date, windows them, and keeps ordinals", () => {
    const r: Recurrence = { pattern: { type: "daily", interval: 3, daysOfWeek: [], firstDayOfWeek: "sunday" }, range: { type: "endDate", endDate: "2025-02-10", numberOfOccurrences: 0 } };
    const all = occurrences(r, at("2025-02-01T23:30:00Z"), at("2025-02-02T00:30:00Z"), -Infinity, Infinity);
    expect(days(all)).toEqual(["2025-02-01T23:30", "2025-02-04T23:30", "2025-02-07T23:30", "2025-02-10T23:30"]);
    // An occurrence overlapping the window's start counts; ordinals stay those of the series.
    const windowed = occurrences(r, at("2025-02-01T23:30:00Z"), at("2025-02-02T00:30:00Z"), at("2025-02-05T00:00:00Z"), at("2025-02-09T00:00:00Z"));
    expect(windowed.map((o) => o.ordinal)).toEqual([1, 2]);
    const noEnd: Recurrence = { ...r, range: { type: "noEnd", endDate: null, numberOfOccurrences: 0 } };
    expect(occurrences(noEnd, at("2025-02-01T10:00:00Z"), at("2025-02-01T11:00:00Z"), at("2026-01-01T00:00:00Z"), at("2026-01-10T00:00:00Z")).length).toBe(3);
  });

  it("rejects inconsistent input and round-trips occurrence ids", () => {
    expect(recurrenceFrom({ pattern: { type: "daily", interval: 1, daysOfWeek: [], firstDayOfWeek: "sunday" }, range: { type: "numbered", numberOfOccurrences: 0 } }, at("2025-01-01T00:00:00Z"))).toMatch(/numberOfOccurrences/);
    expect(recurrenceFrom({ pattern: { type: "daily", interval: 1, daysOfWeek: [], firstDayOfWeek: "sunday" }, range: { type: "noEnd", startDate: "2025-01-02", numberOfOccurrences: 0 } }, at("2025-01-01T00:00:00Z"))).toMatch(/startDate/);
    expect(parseOccurrenceId(occurrenceId("AAMkAbc-_", 7))).toEqual({ masterId: "AAMkAbc-_", ordinal: 7 });
    expect(parseOccurrenceId("AAMkAxyz")).toBeUndefined();
  });
});
