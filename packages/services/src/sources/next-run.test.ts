import { describe, expect, it } from "vitest";
import { localToUtc, nextLocalTime, zoneOffsetMinutes } from "./next-run";

const times = [
  { hour: 1, minute: 0 },
  { hour: 9, minute: 0 },
  { hour: 17, minute: 0 },
];

describe("nextLocalTime", () => {
  it("picks the next local time later the same day, in UTC", () => {
    expect(nextLocalTime(times, "UTC", new Date("2026-03-10T08:59:00Z"))?.toISOString()).toBe("2026-03-10T09:00:00.000Z");
  });

  it("rolls over to the first time of the next day", () => {
    expect(nextLocalTime(times, "UTC", new Date("2026-03-10T17:00:00Z"))?.toISOString()).toBe("2026-03-11T01:00:00.000Z");
  });

  it("reads the times in the schedule's zone (Europe/Paris is UTC+1 in winter, +2 in summer)", () => {
    expect(nextLocalTime(times, "Europe/Paris", new Date("2026-01-15T07:30:00Z"))?.toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(nextLocalTime(times, "Europe/Paris", new Date("2026-07-15T07:30:00Z"))?.toISOString()).toBe("2026-07-15T15:00:00.000Z");
  });

  it("uses the local date, not the UTC one (Pacific/Auckland is already tomorrow)", () => {
    // 2026-01-15 20:00 UTC = 2026-01-16 09:00 NZDT (+13): the next run is 17:00 local = 04:00 UTC on the 16th.
    expect(nextLocalTime(times, "Pacific/Auckland", new Date("2026-01-15T20:00:00Z"))?.toISOString()).toBe("2026-01-16T04:00:00.000Z");
  });

  it("follows a DST change between now and the next run", () => {
    // America/New_York springs forward on 2026-03-08: 01:00 EST (UTC-5) on the 8th, 01:00 EDT (UTC-4) on the 9th.
    expect(nextLocalTime([{ hour: 1, minute: 0 }], "America/New_York", new Date("2026-03-08T07:00:00Z"))?.toISOString()).toBe("2026-03-09T05:00:00.000Z");
  });

  it("has no next run without times", () => {
    expect(nextLocalTime([], "UTC", new Date())).toBeNull();
  });
});

describe("zone arithmetic", () => {
  it("knows a zone's offset at an instant", () => {
    expect(zoneOffsetMinutes("Asia/Kolkata", new Date("2026-05-01T00:00:00Z"))).toBe(330);
    expect(zoneOffsetMinutes("America/New_York", new Date("2026-01-01T12:00:00Z"))).toBe(-300);
  });

  it("converts a local wall time to UTC", () => {
    expect(localToUtc("Asia/Kolkata", 2026, 4, 1, 1, 0).toISOString()).toBe("2026-04-30T19:30:00.000Z");
  });
});
