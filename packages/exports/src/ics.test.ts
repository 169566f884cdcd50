// ICS from event JSON shaped like the providers' own (Google Calendar v3 events.get;
// Microsoft Graph v1.0 event as the pim connector stores it).
import { describe, expect, it } from "vitest";
import { unfold } from "./content-line";
import { EventFormatError, foldAll, graphRrule, toVEvent } from "./ics";
import { vtimezone } from "./vtimezone";

const DTSTAMP = "20260101T000000Z";

const googleWeekly = {
  kind: "calendar#event",
  etag: '"3391842468358000"',
  id: "5q1hbb0ov4f8kps6ql4t0b1bcd",
  status: "confirmed",
  htmlLink: "https://www.google.com/calendar/event?eid=NXExaGJi",
  created: "2023-09-28T15:12:33.000Z",
  updated: "2023-09-28T15:13:54.179Z",
  summary: "Team sync; weekly, all hands",
  description: "Agenda:\n1. Roadmap\n2. Hiring",
  location: "Room 4, Building B",
  creator: { email: "ann@example.org", self: true },
  organizer: { email: "ann@example.org", displayName: "Ann Lee", self: true },
  start: { dateTime: "2024-03-04T10:00:00-05:00", timeZone: "America/New_York" },
  end: { dateTime: "2024-03-04T10:30:00-05:00", timeZone: "America/New_York" },
  recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20241231T045959Z", "EXDATE;TZID=America/New_York:20240311T100000"],
  iCalUID: "5q1hbb0ov4f8kps6ql4t0b1bcd@google.com",
  sequence: 2,
  attendees: [
    { email: "ann@example.org", displayName: "Ann Lee", organizer: true, self: true, responseStatus: "accepted" },
    { email: "bob@example.org", responseStatus: "needsAction" },
    { email: "cy@example.org", displayName: "Cy, Jr.", optional: true, responseStatus: "tentative" },
  ],
  reminders: { useDefault: true },
  eventType: "default",
};

const googleAllDay = {
  kind: "calendar#event",
  id: "allday1",
  status: "tentative",
  summary: "Offsite",
  start: { date: "2024-06-10" },
  end: { date: "2024-06-12" },
  transparency: "transparent",
  iCalUID: "allday1@google.com",
};

const graphSeries = {
  "@odata.etag": 'W/"ZlnW4RIAV06KYYwlrfNZvQAAKGWwbw=="',
  id: "AAMkAGIAAAoZDOFAAA=",
  createdDateTime: "2024-01-10T09:00:00.0000000Z",
  lastModifiedDateTime: "2024-01-12T09:30:00.1234567Z",
  changeKey: "ZlnW4RIAV06KYYwlrfNZvQAAKGWwbw==",
  iCalUId: "040000008200E00074C5B7101A82E00800000000D3D70B8A1A5AD301000000000000000010000000",
  subject: "Quarterly review",
  bodyPreview: "Numbers & plans",
  body: { contentType: "html", content: "<html><body><p>Numbers &amp; plans</p><p>Bring laptops</p></body></html>" },
  start: { dateTime: "2024-01-15T14:00:00.0000000", timeZone: "UTC" },
  end: { dateTime: "2024-01-15T15:00:00.0000000", timeZone: "UTC" },
  location: { displayName: "Teams", locationType: "default" },
  isAllDay: false,
  isCancelled: false,
  showAs: "busy",
  sensitivity: "private",
  type: "seriesMaster",
  categories: ["Red category", "Finance"],
  recurrence: {
    pattern: { type: "relativeMonthly", interval: 3, month: 0, dayOfMonth: 0, daysOfWeek: ["monday"], firstDayOfWeek: "sunday", index: "third" },
    range: { type: "numbered", startDate: "2024-01-15", endDate: "0001-01-01", recurrenceTimeZone: "UTC", numberOfOccurrences: 8 },
  },
  attendees: [
    { type: "required", status: { response: "accepted", time: "2024-01-11T08:00:00Z" }, emailAddress: { name: "Dana Xu", address: "dana@contoso.com" } },
    { type: "optional", status: { response: "none", time: "0001-01-01T00:00:00Z" }, emailAddress: { name: "Eli", address: "eli@contoso.com" } },
  ],
  organizer: { emailAddress: { name: "Adele Vance", address: "adele@contoso.com" } },
};

const graphAllDayPacific = {
  "@odata.etag": 'W/"abc"',
  id: "AAMkAGEvent2",
  iCalUId: "uid-2",
  subject: "Holiday",
  isAllDay: true,
  start: { dateTime: "2024-12-25T00:00:00.0000000", timeZone: "Pacific Standard Time" },
  end: { dateTime: "2024-12-26T00:00:00.0000000", timeZone: "Pacific Standard Time" },
  type: "singleInstance",
  showAs: "free",
};

const props = (lines: string[]) => new Map(lines.map((l) => [l.split(/[;:]/)[0], l]));

describe("Google events", () => {
  it("keeps the zone, recurrence lines, attendees and escapes text", () => {
    const ev = toVEvent(googleWeekly, DTSTAMP);
    const p = props(ev.lines);
    expect(ev.lines[0]).toBe("BEGIN:VEVENT");
    expect(ev.lines.at(-1)).toBe("END:VEVENT");
    expect(p.get("UID")).toBe("UID:5q1hbb0ov4f8kps6ql4t0b1bcd@google.com");
    expect(p.get("DTSTAMP")).toBe("DTSTAMP:20230928T151354Z");
    expect(p.get("DTSTART")).toBe("DTSTART;TZID=America/New_York:20240304T100000");
    expect(p.get("DTEND")).toBe("DTEND;TZID=America/New_York:20240304T103000");
    expect(ev.lines).toContain("RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20241231T045959Z");
    expect(ev.lines).toContain("EXDATE;TZID=America/New_York:20240311T100000");
    expect(p.get("SUMMARY")).toBe("SUMMARY:Team sync\\; weekly\\, all hands");
    expect(p.get("DESCRIPTION")).toBe("DESCRIPTION:Agenda:\\n1. Roadmap\\n2. Hiring");
    expect(p.get("LOCATION")).toBe("LOCATION:Room 4\\, Building B");
    expect(p.get("ORGANIZER")).toBe("ORGANIZER;CN=Ann Lee:mailto:ann@example.org");
    expect(ev.lines.filter((l) => l.startsWith("ATTENDEE"))).toEqual([
      "ATTENDEE;CN=Ann Lee;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:ann@example.org",
      "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:bob@example.org",
      'ATTENDEE;CN="Cy, Jr.";ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:cy@example.org',
    ]);
    expect(p.get("SEQUENCE")).toBe("SEQUENCE:2");
    expect(ev.zones).toEqual(["America/New_York"]);
  });

  it("writes an all-day event as DATE values with an exclusive end", () => {
    const p = props(toVEvent(googleAllDay, DTSTAMP).lines);
    expect(p.get("DTSTART")).toBe("DTSTART;VALUE=DATE:20240610");
    expect(p.get("DTEND")).toBe("DTEND;VALUE=DATE:20240612");
    expect(p.get("DTSTAMP")).toBe(`DTSTAMP:${DTSTAMP}`);
    expect(p.get("STATUS")).toBe("STATUS:TENTATIVE");
    expect(p.get("TRANSP")).toBe("TRANSP:TRANSPARENT");
  });

  it("writes a time without a zone in UTC, and a modified instance with RECURRENCE-ID", () => {
    const p = props(
      toVEvent({ kind: "calendar#event", id: "x_20240311T150000Z", iCalUID: "x@google.com", recurringEventId: "x", originalStartTime: { dateTime: "2024-03-11T10:00:00-05:00" }, start: { dateTime: "2024-03-11T11:00:00-05:00" }, end: { dateTime: "2024-03-11T12:00:00-05:00" } }, DTSTAMP).lines,
    );
    expect(p.get("DTSTART")).toBe("DTSTART:20240311T160000Z");
    expect(p.get("RECURRENCE-ID")).toBe("RECURRENCE-ID:20240311T150000Z");
  });

  it("refuses recurrence entries that are not recurrence lines", () => {
    expect(() => toVEvent({ ...googleWeekly, recurrence: ["BEGIN:VALARM"] }, DTSTAMP)).toThrow(EventFormatError);
  });
});

describe("Graph events", () => {
  it("converts a series master with its pattern, HTML body, attendees and categories", () => {
    const ev = toVEvent(graphSeries, DTSTAMP);
    const p = props(ev.lines);
    expect(p.get("UID")).toBe(`UID:${graphSeries.iCalUId}`);
    expect(p.get("DTSTART")).toBe("DTSTART:20240115T140000Z");
    expect(p.get("DTEND")).toBe("DTEND:20240115T150000Z");
    expect(p.get("RRULE")).toBe("RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=3;INTERVAL=3;COUNT=8");
    expect(p.get("DESCRIPTION")).toBe("DESCRIPTION:Numbers & plans\\nBring laptops");
    expect(p.get("LOCATION")).toBe("LOCATION:Teams");
    expect(p.get("CLASS")).toBe("CLASS:PRIVATE");
    expect(p.get("CATEGORIES")).toBe("CATEGORIES:Red category,Finance");
    expect(p.get("ORGANIZER")).toBe("ORGANIZER;CN=Adele Vance:mailto:adele@contoso.com");
    expect(ev.lines.filter((l) => l.startsWith("ATTENDEE"))).toEqual([
      "ATTENDEE;CN=Dana Xu;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:dana@contoso.com",
      "ATTENDEE;CN=Eli;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:eli@contoso.com",
    ]);
    expect(ev.zones).toEqual([]);
  });

  it("writes an all-day event as dates and maps a Windows zone name", () => {
    const ev = toVEvent(graphAllDayPacific, DTSTAMP);
    const p = props(ev.lines);
    expect(p.get("DTSTART")).toBe("DTSTART;VALUE=DATE:20241225");
    expect(p.get("DTEND")).toBe("DTEND;VALUE=DATE:20241226");
    expect(p.get("TRANSP")).toBe("TRANSP:TRANSPARENT");
    const timed = toVEvent({ ...graphAllDayPacific, isAllDay: false, start: { dateTime: "2024-12-25T09:00:00.0000000", timeZone: "Pacific Standard Time" } }, DTSTAMP);
    expect(props(timed.lines).get("DTSTART")).toBe("DTSTART;TZID=America/Los_Angeles:20241225T090000");
    expect(timed.zones).toEqual(["America/Los_Angeles"]);
  });

  it("maps every pattern type to an RRULE", () => {
    const r = (pattern: object, range: object = { type: "noEnd" }) => graphRrule({ pattern, range });
    expect(r({ type: "daily", interval: 2 })).toBe("FREQ=DAILY;INTERVAL=2");
    expect(r({ type: "weekly", interval: 1, daysOfWeek: ["tuesday", "thursday"], firstDayOfWeek: "monday" }, { type: "endDate", endDate: "2024-06-30" })).toBe("FREQ=WEEKLY;BYDAY=TU,TH;WKST=MO;UNTIL=20240630T235959Z");
    expect(r({ type: "absoluteMonthly", interval: 1, dayOfMonth: 15 })).toBe("FREQ=MONTHLY;BYMONTHDAY=15");
    expect(r({ type: "absoluteYearly", interval: 1, month: 7, dayOfMonth: 4 })).toBe("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4");
    expect(r({ type: "relativeYearly", interval: 1, month: 11, daysOfWeek: ["thursday"], index: "fourth" })).toBe("FREQ=YEARLY;BYMONTH=11;BYDAY=TH;BYSETPOS=4");
    expect(r({ type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" }, { type: "numbered", numberOfOccurrences: 3 })).toBe("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;COUNT=3");
    expect(() => r({ type: "hourly" })).toThrow(/unknown Graph recurrence pattern type/);
  });
});

describe("event JSON that is neither provider's", () => {
  it("is refused with the reason", () => {
    expect(() => toVEvent({ foo: 1 }, DTSTAMP)).toThrow(/not a Google Calendar or Microsoft Graph event/);
    expect(() => toVEvent([], DTSTAMP)).toThrow(/not an object/);
    expect(() => toVEvent({ kind: "calendar#event", id: "a" }, DTSTAMP)).toThrow(/no start/);
  });
});

describe("VTIMEZONE", () => {
  it("describes New York's DST with yearly rules that repeat", () => {
    const tz = vtimezone("America/New_York", [2024]);
    expect(tz.slice(0, 2)).toEqual(["BEGIN:VTIMEZONE", "TZID:America/New_York"]);
    const text = tz.join("\n");
    expect(text).toContain("BEGIN:DAYLIGHT\nDTSTART:20240310T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT");
    expect(text).toContain("BEGIN:STANDARD\nDTSTART:20241103T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD");
  });

  it("covers the start of the year with the previous year's last observance", () => {
    const ny = vtimezone("America/New_York", [2024]).join("\n");
    expect(ny).toContain("BEGIN:STANDARD\nDTSTART:20231105T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD");
    const sydney = vtimezone("Australia/Sydney", [2024]).join("\n");
    expect(sydney).toContain("BEGIN:DAYLIGHT\nDTSTART:20231001T020000\nTZOFFSETFROM:+1000\nTZOFFSETTO:+1100\nEND:DAYLIGHT");
    expect(sydney).toContain("BEGIN:STANDARD\nDTSTART:20240407T030000\nTZOFFSETFROM:+1100\nTZOFFSETTO:+1000\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\nEND:STANDARD");
  });

  it("gives a zone without DST one fixed observance", () => {
    expect(vtimezone("Asia/Tokyo", [2024])).toEqual(["BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "BEGIN:STANDARD", "DTSTART:20240101T000000", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "END:STANDARD", "END:VTIMEZONE"]);
  });

  it("folds to valid content lines", () => {
    const text = foldAll(toVEvent(graphSeries, DTSTAMP).lines);
    for (const l of text.split("\r\n")) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(unfold(text)).toEqual(toVEvent(graphSeries, DTSTAMP).lines);
  });
});
