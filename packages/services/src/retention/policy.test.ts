import { describe, expect, it } from "vitest";
import { addMonths, compareRetention, DEFAULT_RETENTION_POLICY, periodFirsts, RetentionPolicy, retainUntilFor, type PeriodFirsts } from "./policy";

const P = DEFAULT_RETENTION_POLICY;
const NONE: PeriodFirsts = { day: false, week: false, month: false, year: false };
const ALL: PeriodFirsts = { day: true, week: true, month: true, year: true };
const d = (iso: string) => new Date(iso);

describe("RetentionPolicy", () => {
  it("accepts the default and rejects out-of-range values with the field named", () => {
    expect(RetentionPolicy.parse(P)).toEqual(P);
    const bad = RetentionPolicy.safeParse({ ...P, keepAllDays: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["keepAllDays"]);
    expect(bad.error?.issues[0]?.message).toBe("must be at least 1 day");
    expect(RetentionPolicy.safeParse({ ...P, yearly: 101 }).success).toBe(false);
    expect(RetentionPolicy.safeParse({ ...P, weekly: 1.5 }).success).toBe(false);
    expect(RetentionPolicy.safeParse({ ...P, daily: -1 }).success).toBe(false);
    expect(RetentionPolicy.safeParse({ ...P, extra: 1 }).success).toBe(false);
    const { forever: _omitted, ...missing } = P;
    expect(RetentionPolicy.safeParse(missing).success).toBe(false);
  });
});

describe("retainUntilFor", () => {
  const at = d("2026-03-10T09:30:00Z");

  it("keeps a snapshot that is first of nothing for keepAllDays", () => {
    expect(retainUntilFor(P, at, NONE)).toEqual(d("2026-04-09T09:30:00Z"));
  });

  it("takes the longest rule the snapshot qualifies for", () => {
    expect(retainUntilFor(P, at, { ...NONE, day: true })).toEqual(d("2026-06-08T09:30:00Z")); // +90 days
    expect(retainUntilFor(P, at, { ...NONE, day: true, week: true })).toEqual(d("2026-09-08T09:30:00Z")); // +26 weeks
    expect(retainUntilFor(P, at, { ...NONE, month: true })).toEqual(d("2027-03-10T09:30:00Z")); // +12 months
    expect(retainUntilFor(P, at, ALL)).toEqual(d("2033-03-10T09:30:00Z")); // +7 years
  });

  it("never gives less than keepAllDays even when a period rule is shorter", () => {
    const p = { ...P, keepAllDays: 400, daily: 10, weekly: 2, monthly: 1, yearly: 0 };
    expect(retainUntilFor(p, at, ALL)).toEqual(d("2027-04-14T09:30:00Z"));
  });

  it("ignores period rules set to zero", () => {
    expect(retainUntilFor({ ...P, yearly: 0, monthly: 0, weekly: 0, daily: 0 }, at, ALL)).toEqual(d("2026-04-09T09:30:00Z"));
  });

  it("adds calendar months, clamping to the month's end", () => {
    expect(addMonths(d("2026-01-31T12:00:00Z"), 1)).toEqual(d("2026-02-28T12:00:00Z"));
    expect(addMonths(d("2028-02-29T00:00:00Z"), 12)).toEqual(d("2029-02-28T00:00:00Z"));
    expect(retainUntilFor({ ...P, keepAllDays: 1, monthly: 1 }, d("2026-01-31T12:00:00Z"), { ...NONE, month: true })).toEqual(d("2026-02-28T12:00:00Z"));
  });

  it("locks forever policies for 100 years", () => {
    expect(retainUntilFor({ ...P, forever: true }, at, NONE)).toEqual(d("2126-03-10T09:30:00Z"));
  });

  it("keeps an offboarded unit's snapshot at least offboardedKeepDays", () => {
    expect(retainUntilFor(P, at, NONE, { offboarded: true })).toEqual(d("2027-03-10T09:30:00Z"));
    expect(retainUntilFor(P, at, ALL, { offboarded: true })).toEqual(d("2033-03-10T09:30:00Z"));
  });

  it("rejects an invalid policy or date", () => {
    expect(() => retainUntilFor({ ...P, keepAllDays: 0 }, at, NONE)).toThrow(/keepAllDays/);
    expect(() => retainUntilFor(P, new Date("nope"), NONE)).toThrow(/not a valid date/);
  });
});

describe("periodFirsts", () => {
  it("is first of everything with no earlier snapshot", () => {
    expect(periodFirsts(d("2026-03-10T09:00:00Z"), [], "UTC")).toEqual(ALL);
  });

  it("a second snapshot the same day is first of nothing", () => {
    expect(periodFirsts(d("2026-03-10T15:00:00Z"), [d("2026-03-10T09:00:00Z")], "UTC")).toEqual(NONE);
  });

  it("weeks start on Monday (ISO)", () => {
    // 2026-03-09 is a Monday; the Sunday before belongs to the previous week.
    expect(periodFirsts(d("2026-03-09T09:00:00Z"), [d("2026-03-08T09:00:00Z")], "UTC")).toEqual({ day: true, week: true, month: false, year: false });
    expect(periodFirsts(d("2026-03-15T09:00:00Z"), [d("2026-03-09T09:00:00Z")], "UTC")).toEqual({ day: true, week: false, month: false, year: false });
  });

  it("an ISO week spanning new year is one week but two years", () => {
    // Thu 2026-12-31 and Fri 2027-01-01 are in the same ISO week.
    expect(periodFirsts(d("2027-01-01T09:00:00Z"), [d("2026-12-31T09:00:00Z")], "UTC")).toEqual({ day: true, week: false, month: true, year: true });
  });

  it("periods are the source's local calendar, not UTC", () => {
    // 23:30 UTC on 31 Dec is already 1 January in Paris, the same local day as 08:00 UTC.
    const earlier = [d("2026-12-31T23:30:00Z")];
    expect(periodFirsts(d("2027-01-01T08:00:00Z"), earlier, "UTC")).toEqual({ day: true, week: false, month: true, year: true });
    expect(periodFirsts(d("2027-01-01T08:00:00Z"), earlier, "Europe/Paris")).toEqual(NONE);
    // And 23:30 in Los Angeles on 1 Jan is 07:30 UTC on 2 Jan: still the same local day.
    expect(periodFirsts(d("2027-01-02T07:30:00Z"), [d("2027-01-01T18:00:00Z")], "America/Los_Angeles").day).toBe(false);
  });

  it("ignores snapshots that are not earlier", () => {
    expect(periodFirsts(d("2026-03-10T09:00:00Z"), [d("2026-03-10T09:00:00Z"), d("2026-03-10T10:00:00Z")], "UTC")).toEqual(ALL);
  });

  it("names a bad time zone", () => {
    expect(() => periodFirsts(d("2026-03-10T09:00:00Z"), [], "Mars/Olympus")).toThrow(/Mars\/Olympus/);
  });
});

describe("compareRetention", () => {
  it("orders policies field by field", () => {
    expect(compareRetention(P, P)).toBe("same");
    expect(compareRetention(P, { ...P, yearly: 10 })).toBe("longer");
    expect(compareRetention(P, { ...P, keepAllDays: 60, daily: 120 })).toBe("longer");
    expect(compareRetention(P, { ...P, daily: 30 })).toBe("shorter");
    expect(compareRetention(P, { ...P, offboardedKeepDays: 30 })).toBe("shorter");
    expect(compareRetention(P, { ...P, yearly: 10, daily: 30 })).toBe("mixed");
  });

  it("forever beats everything; leaving it is shorter", () => {
    const forever = { ...P, forever: true };
    expect(compareRetention(P, forever)).toBe("longer");
    expect(compareRetention({ ...P, keepAllDays: 36_500, yearly: 100 }, { ...forever, keepAllDays: 1, yearly: 0 })).toBe("longer");
    expect(compareRetention(forever, { ...P, keepAllDays: 36_500, yearly: 100 })).toBe("shorter");
    expect(compareRetention(forever, { ...forever, daily: 1 })).toBe("same");
  });
});
