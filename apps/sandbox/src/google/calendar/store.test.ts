import { describe, expect, it } from "vitest";
import { Calendar, expand, seedCalendar, type CalEvent } from "./store";

const base: CalEvent = { id: "abc12345", status: "confirmed", summary: "Standup", start: { dateTime: "2024-03-04T09:00:00Z", timeZone: "UTC" }, end: { dateTime: "2024-03-04T09:30:00Z", timeZone: "UTC" }, created: 0, updated: 0, seq: 0, sequence: 0 };

describe("expand", () => {
  it("expands weekly and daily COUNT rules into instances with Calendar's ids", () => {
    const weekly = expand({ ...base, recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"] });
    expect(weekly.map((e) => e.start.dateTime)).toEqual(["2024-03-04T09:00:00Z", "2024-03-11T09:00:00Z", "2024-03-18T09:00:00Z"]);
    expect(weekly[1]).toMatchObject({ id: "abc12345_20240311T090000Z", recurringEventId: "abc12345", end: { dateTime: "2024-03-11T09:30:00Z" } });
    expect(expand({ ...base, recurrence: ["RRULE:FREQ=DAILY;INTERVAL=2;COUNT=2"] })[1]?.start.dateTime).toBe("2024-03-06T09:00:00Z");
    expect(expand(base)).toEqual([base]);
  });
});

describe("Calendar", () => {
  it("seeds deterministically and expires sync positions", () => {
    const a = new Calendar("a@x.test", "a", true);
    const b = new Calendar("a@x.test", "a", true);
    seedCalendar(a, 1, 20, "a@x.test", ["b@x.test"]);
    seedCalendar(b, 1, 20, "a@x.test", ["b@x.test"]);
    expect([...a.live(false)]).toEqual([...b.live(false)]);
    const token = a.seq;
    expect(a.answerable(token)).toBe(true);
    a.cancel(a.order[0] ?? "");
    expect([...a.live(false)]).toHaveLength(19);
    a.expireHistory();
    expect(a.answerable(token)).toBe(false);
    expect(a.answerable(a.seq)).toBe(true);
  });
});
