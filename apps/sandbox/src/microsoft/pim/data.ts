// Seeded Outlook calendars and contacts, and their Graph resource shapes
// (https://learn.microsoft.com/graph/api/resources/event, …/resources/contact).
// Times are UTC: the sandbox answers every event in `timeZone: "UTC"`.
import { sha256Hex } from "../../data/encoding";
import { FAMILY_NAMES, GIVEN_NAMES } from "../../data/names";
import { hash32, Rng } from "../../data/random";
import { DAYS, occurrenceId, recurrenceResource, type Occurrence, type Recurrence } from "./recurrence";
import type { PimItem } from "./store";

export interface EmailAddress {
  name: string;
  address: string;
}

export interface EventData {
  subject: string;
  body: { contentType: "text" | "html"; content: string };
  location: string;
  start: number;
  end: number;
  isAllDay: boolean;
  attendees: EmailAddress[];
  organizer: EmailAddress;
  /** A series master's pattern (start/end are its first occurrence's); null for single events. */
  recurrence: Recurrence | null;
}

export interface ContactData {
  givenName: string;
  surname: string;
  displayName: string;
  emailAddresses: EmailAddress[];
  businessPhones: string[];
  mobilePhone: string | null;
  companyName: string;
  jobTitle: string;
  personalNotes: string;
  photo: Buffer | null;
}

const TOPICS = ["Budget review", "Weekly sync", "Customer call", "Design critique", "1:1", "Quarterly planning", "Vendor demo", "Hiring panel", "Incident retro", "Board prep"];
const ROOMS = ["Room 1.01", "Room 2.14", "Teams meeting", "Cafeteria", "Client office", "Room 3.02"];
const COMPANIES = ["Contoso", "Fabrikam", "Northwind Traders", "Tailspin Toys", "Wingtip Toys", "Litware", "Adventure Works"];
const TITLES = ["Account Manager", "CFO", "Buyer", "Lawyer", "Architect", "Recruiter", "Consultant"];
const DAY = 86_400_000;

/**
 * Today (UTC midnight): seeded events are dated relative to it, not to a fixed year. Graph's
 * calendarView delta covers a window around now, so events seeded at fixed dates would slide out
 * of every client's window as the calendar moves on (and a test would find no events to back up).
 */
export function pimToday(now = Date.now()): number {
  return Math.floor(now / DAY) * DAY;
}

export function seedEvents(seed: number, userIndex: number, owner: EmailAddress, colleagues: EmailAddress[], count: number): { createdAt: number; data: EventData }[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = Rng.from("ms-event", seed, userIndex, i);
    // Over the year that ended about six months ago: within any sensible sync window.
    const day = pimToday() - 540 * DAY + rng.int(365) * DAY;
    const start = day + (8 + rng.int(9)) * 3_600_000 + rng.pick([0, 30]) * 60_000;
    const attendees = colleagues.filter((c) => c.address !== owner.address && rng.chance(0.4)).slice(0, 4);
    const topic = rng.pick(TOPICS);
    return {
      createdAt: start - (1 + rng.int(30)) * 86_400_000,
      data: {
        subject: `${topic} #${i + 1}`,
        body: { contentType: "html", content: `<html><body><p>${topic}: agenda item ${1 + rng.int(9)}.</p></body></html>` },
        location: rng.pick(ROOMS),
        start,
        end: start + rng.pick([30, 60, 90]) * 60_000,
        isAllDay: false,
        attendees,
        organizer: owner,
        recurrence: seedRecurrence(seed, userIndex, i, start),
      },
    };
  });
}

/**
 * About 15 % of the seeded events are series: weekly (every 1–2 weeks on the start's weekday)
 * or daily, ending after 3–12 occurrences or on an end date 2–8 weeks on. A separate random
 * stream, so the events' other fields do not depend on it.
 */
function seedRecurrence(seed: number, userIndex: number, i: number, start: number): Recurrence | null {
  const rng = Rng.from("ms-event-recurrence", seed, userIndex, i);
  if (!rng.chance(0.15)) return null;
  const weekly = rng.chance(0.6);
  const numbered = rng.chance(0.6);
  const endDate = new Date(start + (14 + rng.int(43)) * 86_400_000).toISOString().slice(0, 10);
  return {
    pattern: { type: weekly ? "weekly" : "daily", interval: weekly ? 1 + rng.int(2) : 1, daysOfWeek: weekly ? [DAYS[new Date(start).getUTCDay()] ?? "monday"] : [], firstDayOfWeek: "sunday" },
    range: numbered ? { type: "numbered", endDate: null, numberOfOccurrences: 3 + rng.int(10) } : { type: "endDate", endDate, numberOfOccurrences: 0 },
  };
}

/** A small PNG-signed blob, the kind Outlook stores for a contact's picture. */
export function photoBytes(rng: Rng): Buffer {
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), rng.bytes(800 + rng.int(3000))]);
}

export function seedContacts(seed: number, userIndex: number, count: number): { createdAt: number; data: ContactData }[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = Rng.from("ms-contact", seed, userIndex, i);
    const givenName = rng.pick(GIVEN_NAMES);
    const surname = rng.pick(FAMILY_NAMES);
    const companyName = rng.pick(COMPANIES);
    const address = `${givenName}.${surname}${i}@${companyName.toLowerCase().replace(/\s+/g, "")}.example`.toLowerCase();
    return {
      createdAt: Date.UTC(2022, 0, 1) + rng.int(900) * 86_400_000,
      data: {
        givenName,
        surname,
        displayName: `${givenName} ${surname}`,
        emailAddresses: [{ name: `${givenName} ${surname}`, address }],
        businessPhones: [`+1 425 555 ${String(rng.int(10_000)).padStart(4, "0")}`],
        mobilePhone: rng.chance(0.5) ? `+1 206 555 ${String(rng.int(10_000)).padStart(4, "0")}` : null,
        companyName,
        jobTitle: rng.pick(TITLES),
        personalNotes: "",
        photo: rng.chance(0.4) ? photoBytes(rng) : null,
      },
    };
  });
}

/** Exchange-looking ids ("AAMkA…"), distinct per user and kind, derived from the insertion order. */
export function pimIdMaker(kind: "event" | "contact", seed: number, userIndex: number): (ord: number) => string {
  const tag = hash32("ms-pim", kind, seed, userIndex);
  return (ord) => `AAMkA${Buffer.from(`${kind === "event" ? "E" : "C"}${tag.toString(16).padStart(8, "0")}${ord.toString(16).padStart(8, "0")}`).toString("base64url")}`;
}

const graphDateTime = (ms: number) => new Date(ms).toISOString().replace("Z", "0000");
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const changeKey = (item: PimItem<unknown>) => Buffer.from(`${item.id}:${item.seq}`).toString("base64").slice(-16);

/** The fields every Outlook item resource starts with (etag, id, times, changeKey). */
function itemHeader(item: PimItem<unknown>): Record<string, unknown> {
  const ck = changeKey(item);
  return {
    "@odata.etag": `W/"${ck}"`,
    id: item.id,
    createdDateTime: isoSeconds(item.createdAt),
    lastModifiedDateTime: isoSeconds(item.modifiedAt),
    changeKey: ck,
  };
}

/** An event: a single instance, a series master, or (with `occurrence`) one occurrence of a series. */
export function eventResource(item: PimItem<EventData>, webBase: string, occurrence?: Occurrence): Record<string, unknown> {
  const d = occurrence ? { ...item.data, start: occurrence.start, end: occurrence.end } : item.data;
  const id = occurrence ? occurrenceId(item.id, occurrence.ordinal) : item.id;
  const series = occurrence ? { type: "occurrence", seriesMasterId: item.id, recurrence: null } : d.recurrence ? { type: "seriesMaster", recurrence: recurrenceResource(d.recurrence, d.start) } : { type: "singleInstance", recurrence: null };
  return {
    ...itemHeader(item),
    id,
    iCalUId: `040000008200E00074C5B7101A82E008${sha256Hex(item.id).slice(0, 32).toUpperCase()}`,
    subject: d.subject,
    bodyPreview: d.body.content.replace(/<[^>]+>/g, "").slice(0, 255),
    body: d.body,
    importance: "normal",
    sensitivity: "normal",
    isAllDay: d.isAllDay,
    isCancelled: false,
    isOrganizer: true,
    showAs: "busy",
    ...series,
    webLink: `${webBase}/calendar/item/${encodeURIComponent(id)}`,
    start: { dateTime: graphDateTime(d.start), timeZone: "UTC" },
    end: { dateTime: graphDateTime(d.end), timeZone: "UTC" },
    location: { displayName: d.location, locationType: "default" },
    attendees: d.attendees.map((a) => ({ type: "required", status: { response: "none", time: "0001-01-01T00:00:00Z" }, emailAddress: a })),
    organizer: { emailAddress: d.organizer },
  };
}

export function contactResource(item: PimItem<ContactData>, folderId: string): Record<string, unknown> {
  const d = item.data;
  return {
    ...itemHeader(item),
    parentFolderId: folderId,
    displayName: d.displayName,
    givenName: d.givenName,
    surname: d.surname,
    emailAddresses: d.emailAddresses,
    businessPhones: d.businessPhones,
    mobilePhone: d.mobilePhone,
    companyName: d.companyName,
    jobTitle: d.jobTitle,
    personalNotes: d.personalNotes,
  };
}

/** What a restore must reproduce, hashed as canonical JSON (key order fixed here; `recurrence` only for series). */
export function eventDigest(d: EventData): string {
  return sha256Hex(JSON.stringify({ subject: d.subject, body: d.body, location: d.location, start: d.start, end: d.end, isAllDay: d.isAllDay, attendees: d.attendees, ...(d.recurrence ? { recurrence: recurrenceResource(d.recurrence, d.start) } : {}) }));
}

export function contactDigest(d: ContactData): string {
  return sha256Hex(JSON.stringify({ givenName: d.givenName, surname: d.surname, displayName: d.displayName, emailAddresses: d.emailAddresses, businessPhones: d.businessPhones, mobilePhone: d.mobilePhone, companyName: d.companyName, jobTitle: d.jobTitle, personalNotes: d.personalNotes }));
}
