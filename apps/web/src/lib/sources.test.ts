import { describe, expect, it } from "vitest";
import { consentLandingUrl, consoleConsentTarget } from "../server/consent-landing";
import { describeSchedule, formatBytes, formatDuration, runRates, scheduleTimes, TIMES_PER_DAY } from "./sources";

const org = "0b7d3c1e-6f7a-4c5b-9d3e-2a1b0c9d8e7f";
const src = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";
const nonce = "A".repeat(43);

describe("consoleConsentTarget", () => {
  it("reads the organisation and source of a console state only", () => {
    expect(consoleConsentTarget(`${org}.${src}.${nonce}.console`)).toEqual({ orgId: org, sourceId: src });
    // A script's state keeps the JSON answer.
    expect(consoleConsentTarget(`${org}.${src}.${nonce}`)).toBeNull();
    for (const bad of [null, "", `${org}.${src}.console`, `../../evil.${src}.${nonce}.console`, `${org}.${src}.${nonce}.console.console`, `https://evil.example.${src}.${nonce}.console`]) {
      expect(consoleConsentTarget(bad)).toBeNull();
    }
  });
});

describe("consentLandingUrl", () => {
  const target = { orgId: org, sourceId: src };
  it("lands on the source's page on our own origin, with an outcome code and never the error's words", () => {
    expect(consentLandingUrl("https://app.example.com", target, 200, null)).toBe(`https://app.example.com/o/${org}/sources/${src}?connected=1`);
    expect(consentLandingUrl("https://app.example.com", target, 400, "access_denied")).toBe(`https://app.example.com/o/${org}/sources/${src}?consent=declined`);
    expect(consentLandingUrl("https://app.example.com", target, 400, null)).toBe(`https://app.example.com/o/${org}/sources/${src}?consent=failed`);
    expect(consentLandingUrl("https://app.example.com", target, 503, null)).toBe(`https://app.example.com/o/${org}/sources/${src}?consent=unavailable`);
  });
});

describe("runRates", () => {
  const started = "2026-01-01T00:00:00.000Z";
  const at = (s: number) => Date.parse(started) + s * 1000;
  it("is indeterminate without a total: no percentage and no time left", () => {
    const r = runRates({ startedAt: started, finishedAt: null, progress: { itemsDone: 50, bytesDone: 5_000 } }, at(10));
    expect(r).toEqual({ fraction: null, itemsPerSecond: 5, bytesPerSecond: 500, secondsLeft: null });
  });
  it("estimates the time left from the rate so far when the total is known", () => {
    const r = runRates({ startedAt: started, finishedAt: null, progress: { itemsDone: 25, itemsTotal: 100, bytesDone: 0 } }, at(50));
    expect(r.fraction).toBe(0.25);
    expect(r.secondsLeft).toBe(150);
  });
  it("measures a finished job up to its end, not up to now", () => {
    const r = runRates({ startedAt: started, finishedAt: new Date(at(20)).toISOString(), progress: { itemsDone: 40, itemsTotal: 40, bytesDone: 2_000 } }, at(3_600));
    expect(r).toEqual({ fraction: 1, itemsPerSecond: 2, bytesPerSecond: 100, secondsLeft: null });
  });
  it("reports no rate in the first second rather than a wild one", () => {
    expect(runRates({ startedAt: started, finishedAt: null, progress: { itemsDone: 3, bytesDone: 9_000 } }, at(0.2)).bytesPerSecond).toBeNull();
  });
});

describe("formatting", () => {
  it("formats bytes and durations", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(67_000)).toBe("67 KB");
    expect(formatBytes(1_400_000)).toBe("1.4 MB");
    expect(formatDuration(40)).toBe("40 s");
    expect(formatDuration(65 * 60)).toBe("1 h 5 min");
  });
});

describe("schedules", () => {
  it("starts at 01:00 and spreads runs evenly over the local day", () => {
    expect(scheduleTimes(1)).toEqual(["01:00"]);
    expect(scheduleTimes(3)).toEqual(["01:00", "09:00", "17:00"]);
    expect(scheduleTimes(24)).toHaveLength(24);
    expect(scheduleTimes(24)[23]).toBe("00:00");
  });
  it("offers only counts that divide the day into whole hours", () => {
    for (const n of TIMES_PER_DAY) expect(24 % n).toBe(0);
  });
  it("describes a schedule in words", () => {
    expect(describeSchedule({ timesPerDay: 1, timezone: "UTC" })).toBe("One backup a day (UTC)");
    expect(describeSchedule({ timesPerDay: 3, timezone: "Europe/Paris" })).toBe("3 backups a day, every 8 h (Europe/Paris)");
  });
});
