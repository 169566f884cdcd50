// iCalendar (RFC 5545) from the event JSON the calendar connectors store: a Google Calendar v3
// event resource or a Microsoft Graph event resource. One VEVENT per event; the export wraps
// them in one VCALENDAR.
import { escapeText, fold, line, type Params } from "./content-line";
import { windowsToIana } from "./windows-zones";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export class EventFormatError extends Error {
  override readonly name = "EventFormatError";
}

export type EventSource = "google" | "microsoft";

/** Which provider's shape an event JSON has. */
export function eventSource(e: Json): EventSource {
  if (e.kind === "calendar#event" || "summary" in e || "iCalUID" in e || "htmlLink" in e) return "google";
  if ("subject" in e || "iCalUId" in e || "isAllDay" in e || "@odata.etag" in e) return "microsoft";
  throw new EventFormatError("not a Google Calendar or Microsoft Graph event (no summary/subject, iCalUID/iCalUId)");
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function utcStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new EventFormatError(`not a date-time: ${iso}`);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

function dateValue(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  if (!m) throw new EventFormatError(`not a date: ${ymd}`);
  return `${m[1]}${m[2]}${m[3]}`;
}

function isIanaZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time of an instant in an IANA zone, as a local DATE-TIME value. */
function wallTime(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new EventFormatError(`not a date-time: ${iso}`);
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("year")}${get("month")}${get("day")}T${get("hour")}${get("minute")}${get("second")}`;
}

/** A local date-time `2024-05-01T10:00:00.0000000` as `20240501T100000`. */
function localValue(dt: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(dt);
  if (!m) throw new EventFormatError(`not a date-time: ${dt}`);
  return `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6] ?? "00"}`;
}

interface Time {
  value: string;
  params: Params;
  /** The zone named by TZID, when there is one. */
  tzid?: string;
}

function googleTime(t: unknown, what: string): Time | undefined {
  if (!isObj(t)) return undefined;
  const date = str(t.date);
  if (date) return { value: dateValue(date), params: { VALUE: "DATE" } };
  const dateTime = str(t.dateTime);
  if (!dateTime) throw new EventFormatError(`${what} has neither date nor dateTime`);
  const tz = str(t.timeZone);
  if (tz && isIanaZone(tz) && tz !== "UTC" && tz !== "Etc/UTC") return { value: wallTime(dateTime, tz), params: { TZID: tz }, tzid: tz };
  return { value: utcStamp(dateTime), params: {} };
}

function graphTime(t: unknown, allDay: boolean, what: string): Time | undefined {
  if (!isObj(t)) return undefined;
  const dateTime = str(t.dateTime);
  if (!dateTime) throw new EventFormatError(`${what} has no dateTime`);
  if (allDay) return { value: dateValue(dateTime), params: { VALUE: "DATE" } };
  const raw = str(t.timeZone) ?? "UTC";
  if (raw === "UTC" || raw === "Etc/UTC" || raw === "tzone://Microsoft/Utc") return { value: `${localValue(dateTime)}Z`, params: {} };
  const tz = isIanaZone(raw) ? raw : (windowsToIana(raw) ?? raw);
  return { value: localValue(dateTime), params: { TZID: tz }, tzid: tz };
}

const GOOGLE_PARTSTAT: Record<string, string> = { needsAction: "NEEDS-ACTION", declined: "DECLINED", tentative: "TENTATIVE", accepted: "ACCEPTED" };
const GRAPH_PARTSTAT: Record<string, string> = { none: "NEEDS-ACTION", notResponded: "NEEDS-ACTION", organizer: "ACCEPTED", accepted: "ACCEPTED", tentativelyAccepted: "TENTATIVE", declined: "DECLINED" };

function mailto(email: string): string {
  return `mailto:${email}`;
}

const RECURRENCE_LINE = /^(RRULE|EXRULE|RDATE|EXDATE)[:;]/;

const DAY: Record<string, string> = { sunday: "SU", monday: "MO", tuesday: "TU", wednesday: "WE", thursday: "TH", friday: "FR", saturday: "SA" };
const SETPOS: Record<string, string> = { first: "1", second: "2", third: "3", fourth: "4", last: "-1" };

/** An RRULE value from a Graph patternedRecurrence (https://learn.microsoft.com/graph/api/resources/patternedrecurrence). */
export function graphRrule(recurrence: unknown): string | undefined {
  if (!isObj(recurrence) || !isObj(recurrence.pattern)) return undefined;
  const p = recurrence.pattern;
  const r = isObj(recurrence.range) ? recurrence.range : {};
  const type = str(p.type);
  const days = arr(p.daysOfWeek)
    .map((d) => (typeof d === "string" ? DAY[d.toLowerCase()] : undefined))
    .filter((d): d is string => !!d);
  const parts: string[] = [];
  switch (type) {
    case "daily":
      parts.push("FREQ=DAILY");
      break;
    case "weekly":
      parts.push("FREQ=WEEKLY");
      if (days.length > 0) parts.push(`BYDAY=${days.join(",")}`);
      break;
    case "absoluteMonthly":
      parts.push("FREQ=MONTHLY", `BYMONTHDAY=${Number(p.dayOfMonth)}`);
      break;
    case "relativeMonthly":
      parts.push("FREQ=MONTHLY", `BYDAY=${days.join(",")}`, `BYSETPOS=${SETPOS[str(p.index) ?? "first"] ?? "1"}`);
      break;
    case "absoluteYearly":
      parts.push("FREQ=YEARLY", `BYMONTH=${Number(p.month)}`, `BYMONTHDAY=${Number(p.dayOfMonth)}`);
      break;
    case "relativeYearly":
      parts.push("FREQ=YEARLY", `BYMONTH=${Number(p.month)}`, `BYDAY=${days.join(",")}`, `BYSETPOS=${SETPOS[str(p.index) ?? "first"] ?? "1"}`);
      break;
    default:
      throw new EventFormatError(`unknown Graph recurrence pattern type: ${String(type)}`);
  }
  const interval = Number(p.interval ?? 1);
  if (Number.isInteger(interval) && interval > 1) parts.push(`INTERVAL=${interval}`);
  const wkst = typeof p.firstDayOfWeek === "string" ? DAY[p.firstDayOfWeek.toLowerCase()] : undefined;
  if (type === "weekly" && wkst) parts.push(`WKST=${wkst}`);
  if (r.type === "numbered" && Number(r.numberOfOccurrences) > 0) parts.push(`COUNT=${Number(r.numberOfOccurrences)}`);
  // Graph's endDate is the last day on which an occurrence may fall; UNTIL is inclusive too.
  if (r.type === "endDate" && str(r.endDate)) parts.push(`UNTIL=${dateValue(str(r.endDate) as string)}T235959Z`);
  return parts.join(";");
}

/** Plain text of an HTML body (tags dropped, common entities decoded, block ends as newlines). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export interface VEvent {
  /** Unfolded content lines from BEGIN:VEVENT to END:VEVENT. */
  lines: string[];
  /** IANA (or, failing that, provider) zone names its TZID parameters use. */
  zones: string[];
}

function timeLines(name: string, t: Time | undefined, into: string[], zones: Set<string>): void {
  if (!t) return;
  into.push(line(name, t.value, t.params));
  if (t.tzid) zones.add(t.tzid);
}

function googleEvent(e: Json, dtstamp: string): VEvent {
  const out: string[] = ["BEGIN:VEVENT"];
  const zones = new Set<string>();
  const uid = str(e.iCalUID) ?? str(e.id);
  if (!uid) throw new EventFormatError("event has neither iCalUID nor id");
  out.push(line("UID", escapeText(uid)));
  out.push(line("DTSTAMP", str(e.updated) ? utcStamp(str(e.updated) as string) : dtstamp));
  const start = googleTime(e.start, "start");
  if (!start) throw new EventFormatError("event has no start");
  timeLines("DTSTART", start, out, zones);
  if (e.endTimeUnspecified !== true) timeLines("DTEND", googleTime(e.end, "end"), out, zones);
  if (isObj(e.originalStartTime) && str(e.recurringEventId)) timeLines("RECURRENCE-ID", googleTime(e.originalStartTime, "originalStartTime"), out, zones);
  for (const r of arr(e.recurrence)) {
    if (typeof r !== "string" || !RECURRENCE_LINE.test(r)) throw new EventFormatError(`not a recurrence line: ${String(r)}`);
    out.push(r.replace(/[\r\n]/g, ""));
    const tzid = /;TZID=([^;:]+)/.exec(r)?.[1];
    if (tzid) zones.add(tzid);
  }
  if (str(e.summary)) out.push(line("SUMMARY", escapeText(str(e.summary) as string)));
  if (str(e.description)) out.push(line("DESCRIPTION", escapeText(str(e.description) as string)));
  if (str(e.location)) out.push(line("LOCATION", escapeText(str(e.location) as string)));
  const status = str(e.status)?.toUpperCase();
  if (status === "CONFIRMED" || status === "TENTATIVE" || status === "CANCELLED") out.push(line("STATUS", status));
  if (e.transparency === "transparent") out.push(line("TRANSP", "TRANSPARENT"));
  if (e.visibility === "private" || e.visibility === "confidential") out.push(line("CLASS", e.visibility.toUpperCase()));
  if (typeof e.sequence === "number") out.push(line("SEQUENCE", String(e.sequence)));
  if (str(e.created)) out.push(line("CREATED", utcStamp(str(e.created) as string)));
  if (str(e.updated)) out.push(line("LAST-MODIFIED", utcStamp(str(e.updated) as string)));
  if (isObj(e.organizer) && str(e.organizer.email)) out.push(line("ORGANIZER", mailto(str(e.organizer.email) as string), { CN: str(e.organizer.displayName) }));
  for (const a of arr(e.attendees)) {
    if (!isObj(a) || !str(a.email)) continue;
    out.push(
      line("ATTENDEE", mailto(str(a.email) as string), {
        CN: str(a.displayName),
        CUTYPE: a.resource === true ? "RESOURCE" : undefined,
        ROLE: a.organizer === true ? "CHAIR" : a.optional === true ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT",
        PARTSTAT: GOOGLE_PARTSTAT[str(a.responseStatus) ?? ""] ?? "NEEDS-ACTION",
      }),
    );
  }
  out.push("END:VEVENT");
  return { lines: out, zones: [...zones] };
}

function graphEvent(e: Json, dtstamp: string): VEvent {
  const out: string[] = ["BEGIN:VEVENT"];
  const zones = new Set<string>();
  const uid = str(e.iCalUId) ?? str(e.id);
  if (!uid) throw new EventFormatError("event has neither iCalUId nor id");
  out.push(line("UID", escapeText(uid)));
  out.push(line("DTSTAMP", str(e.lastModifiedDateTime) ? utcStamp(str(e.lastModifiedDateTime) as string) : dtstamp));
  const allDay = e.isAllDay === true;
  const start = graphTime(e.start, allDay, "start");
  if (!start) throw new EventFormatError("event has no start");
  timeLines("DTSTART", start, out, zones);
  timeLines("DTEND", graphTime(e.end, allDay, "end"), out, zones);
  if (e.type === "seriesMaster" || (e.type === undefined && isObj(e.recurrence))) {
    const rrule = graphRrule(e.recurrence);
    if (rrule) out.push(`RRULE:${rrule}`);
  }
  if (e.type === "exception" || e.type === "occurrence") {
    const original = str(e.originalStart);
    if (original) out.push(line("RECURRENCE-ID", utcStamp(original)));
  }
  if (str(e.subject)) out.push(line("SUMMARY", escapeText(str(e.subject) as string)));
  const body = isObj(e.body) ? e.body : undefined;
  const content = body ? str(body.content) : undefined;
  const description = content ? (str(body?.contentType)?.toLowerCase() === "html" ? htmlToText(content) : content) : str(e.bodyPreview);
  if (description) out.push(line("DESCRIPTION", escapeText(description)));
  const location = isObj(e.location) ? str(e.location.displayName) : undefined;
  if (location) out.push(line("LOCATION", escapeText(location)));
  if (e.isCancelled === true) out.push(line("STATUS", "CANCELLED"));
  if (e.showAs === "free") out.push(line("TRANSP", "TRANSPARENT"));
  if (e.sensitivity === "private" || e.sensitivity === "confidential") out.push(line("CLASS", e.sensitivity.toUpperCase()));
  const categories = arr(e.categories).filter((c): c is string => typeof c === "string" && c.length > 0);
  if (categories.length > 0) out.push(line("CATEGORIES", categories.map(escapeText).join(",")));
  if (str(e.createdDateTime)) out.push(line("CREATED", utcStamp(str(e.createdDateTime) as string)));
  if (str(e.lastModifiedDateTime)) out.push(line("LAST-MODIFIED", utcStamp(str(e.lastModifiedDateTime) as string)));
  const org = isObj(e.organizer) && isObj(e.organizer.emailAddress) ? e.organizer.emailAddress : undefined;
  if (org && str(org.address)) out.push(line("ORGANIZER", mailto(str(org.address) as string), { CN: str(org.name) }));
  for (const a of arr(e.attendees)) {
    if (!isObj(a) || !isObj(a.emailAddress) || !str(a.emailAddress.address)) continue;
    const response = isObj(a.status) ? str(a.status.response) : undefined;
    out.push(
      line("ATTENDEE", mailto(str(a.emailAddress.address) as string), {
        CN: str(a.emailAddress.name),
        CUTYPE: a.type === "resource" ? "RESOURCE" : undefined,
        ROLE: a.type === "optional" ? "OPT-PARTICIPANT" : a.type === "resource" ? "NON-PARTICIPANT" : "REQ-PARTICIPANT",
        PARTSTAT: GRAPH_PARTSTAT[response ?? ""] ?? "NEEDS-ACTION",
      }),
    );
  }
  out.push("END:VEVENT");
  return { lines: out, zones: [...zones] };
}

/** One VEVENT from a stored event's JSON. `dtstamp` stands in when the event has no modification time. */
export function toVEvent(e: unknown, dtstamp: string): VEvent {
  if (!isObj(e)) throw new EventFormatError("event JSON is not an object");
  return eventSource(e) === "google" ? googleEvent(e, dtstamp) : graphEvent(e, dtstamp);
}

export function icsHeader(): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Holdfast//Export//EN", "CALSCALE:GREGORIAN"].map(fold).join("");
}

export function icsFooter(): string {
  return fold("END:VCALENDAR");
}

export function foldAll(lines: readonly string[]): string {
  return lines.map(fold).join("");
}

export { utcStamp };
