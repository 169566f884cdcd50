// One user's calendars for the Calendar API v3 emulation: the primary calendar (id = the user's
// address) and a secondary "Team" calendar, seeded deterministically, every 8th event recurring.
//
// Incremental sync (https://developers.google.com/calendar/api/guides/sync): every change takes
// the calendar's next sequence number; deleted events stay as `status: "cancelled"` tombstones
// so a sync token can report them. expireHistory() makes every token issued so far answer 410
// fullSyncRequired, the documented signal to wipe and fully resync.
import { createHash } from "node:crypto";
import { Rng } from "../../data/random";

export interface EventTime {
  dateTime: string;
  timeZone: string;
}

export interface CalEvent {
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary: string;
  description?: string;
  location?: string;
  start: EventTime;
  end: EventTime;
  recurrence?: string[];
  attendees?: { email: string; responseStatus: string }[];
  created: number;
  updated: number;
  seq: number;
  sequence: number;
}

const TOPICS = ["Standup", "1:1", "Planning", "Design review", "Customer call", "Retro", "Budget sync", "All hands", "Interview", "Lunch"];
const PLACES = ["Room Apollo", "Room Gemini", "Video call", "Cafeteria", ""];
const EPOCH = Date.UTC(2024, 0, 1, 8);

function eventId(...key: (string | number)[]): string {
  // Calendar ids use base32hex characters (a–v, 0–9), 5–1024 of them.
  return createHash("sha256").update(key.join(":")).digest("hex").slice(0, 26).replace(/[w-z]/g, "v");
}

export class Calendar {
  readonly events = new Map<string, CalEvent>();
  readonly order: string[] = [];
  private seqValue = 1;
  private floorSeq = 0;
  clock = Date.UTC(2025, 0, 1);

  constructor(
    readonly id: string,
    readonly summary: string,
    readonly primary: boolean,
  ) {}

  get seq(): number {
    return this.seqValue;
  }

  /** Records a change to `e` (new or updated): it is reported to every sync token older than now. */
  touch(e: CalEvent): CalEvent {
    this.clock += 1_000;
    e.seq = this.seqValue++;
    e.updated = this.clock;
    if (!this.events.has(e.id)) this.order.push(e.id);
    this.events.set(e.id, e);
    return e;
  }

  cancel(id: string): CalEvent | undefined {
    const e = this.events.get(id);
    if (!e || e.status === "cancelled") return undefined;
    e.status = "cancelled";
    e.sequence += 1;
    return this.touch(e);
  }

  expireHistory(): void {
    this.floorSeq = ++this.seqValue;
  }

  /** Whether a sync token taken at `seq` can still be answered incrementally. */
  answerable(seq: number): boolean {
    return seq >= this.floorSeq && seq <= this.seqValue;
  }

  *live(includeCancelled: boolean): Generator<CalEvent> {
    for (const id of this.order) {
      const e = this.events.get(id);
      if (e && (includeCancelled || e.status !== "cancelled")) yield e;
    }
  }

  newId(...key: (string | number)[]): string {
    return eventId(this.id, ...key, this.seqValue);
  }
}

function at(ms: number): EventTime {
  return { dateTime: new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"), timeZone: "UTC" };
}

export function seedCalendar(cal: Calendar, seed: number, count: number, email: string, colleagues: string[]): void {
  for (let i = 0; i < count; i++) {
    const rng = Rng.from("gc-event", seed, cal.id, i);
    const start = EPOCH + rng.int(700) * 86_400_000 + rng.int(10) * 3_600_000;
    const minutes = rng.pick([30, 30, 45, 60, 90]);
    const recurring = i % 8 === 3;
    const attendees = colleagues.length && rng.chance(0.6) ? [{ email, responseStatus: "accepted" }, { email: rng.pick(colleagues), responseStatus: rng.pick(["needsAction", "accepted", "tentative"]) }] : undefined;
    const place = rng.pick(PLACES);
    const e: CalEvent = {
      id: eventId(seed, cal.id, i),
      status: "confirmed",
      summary: `${rng.pick(TOPICS)} #${i + 1}`,
      ...(rng.chance(0.5) ? { description: `Agenda: ${rng.pick(TOPICS).toLowerCase()} and follow-ups.` } : {}),
      ...(place ? { location: place } : {}),
      start: at(start),
      end: at(start + minutes * 60_000),
      ...(recurring ? { recurrence: [rng.chance(0.5) ? `RRULE:FREQ=WEEKLY;COUNT=${4 + rng.int(10)}` : `RRULE:FREQ=DAILY;COUNT=${2 + rng.int(5)}`] } : {}),
      ...(attendees ? { attendees } : {}),
      created: start - 7 * 86_400_000,
      updated: start - 7 * 86_400_000,
      seq: 0,
      sequence: 0,
    };
    cal.events.set(e.id, e);
    cal.order.push(e.id);
  }
}

/** The event's etag: new with every change (its change sequence), as Calendar's are. */
export function eventEtag(e: CalEvent): string {
  return `"${String(3_400_000_000_000_000 + e.seq * 1000 + e.sequence)}"`;
}

export function eventJson(cal: Calendar, e: CalEvent): Record<string, unknown> {
  const etag = eventEtag(e);
  // A cancelled event in an incremental sync carries little more than its id and status.
  if (e.status === "cancelled") return { kind: "calendar#event", etag, id: e.id, status: "cancelled" };
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    kind: "calendar#event",
    etag,
    id: e.id,
    status: e.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${cal.id}`).toString("base64url")}`,
    created: iso(e.created),
    updated: iso(e.updated),
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    ...(e.location ? { location: e.location } : {}),
    creator: { email: cal.id, self: true },
    organizer: { email: cal.id, self: true },
    start: e.start,
    end: e.end,
    ...(e.recurrence ? { recurrence: e.recurrence } : {}),
    iCalUID: `${e.id}@google.com`,
    sequence: e.sequence,
    ...(e.attendees ? { attendees: e.attendees } : {}),
    reminders: { useDefault: true },
    eventType: "default",
  };
}

/** The fields a restore must bring back; the manifest hashes this canonical form. */
export function canonicalEvent(e: CalEvent): string {
  return JSON.stringify({ summary: e.summary, description: e.description ?? null, location: e.location ?? null, start: e.start, end: e.end, recurrence: e.recurrence ?? null, attendees: e.attendees ?? null });
}

/**
 * singleEvents=true: recurring events expanded into instances, for the RRULEs the sandbox
 * seeds (FREQ=DAILY|WEEKLY with COUNT, optionally INTERVAL). Instance ids are
 * `<id>_<yyyymmddThhmmssZ>` with recurringEventId and originalStartTime, as Calendar returns.
 */
export function expand(e: CalEvent): (CalEvent & { recurringEventId?: string; originalStartTime?: EventTime })[] {
  const rule = e.recurrence?.find((r) => r.startsWith("RRULE:"));
  if (!rule) return [e];
  const parts = Object.fromEntries(rule.slice(6).split(";").map((p) => p.split("=") as [string, string]));
  const step = (parts.FREQ === "DAILY" ? 1 : parts.FREQ === "WEEKLY" ? 7 : 0) * Number(parts.INTERVAL ?? 1) * 86_400_000;
  const count = Math.min(Number(parts.COUNT ?? 0), 730);
  if (!step || !count) return [e];
  const start = Date.parse(e.start.dateTime);
  const length = Date.parse(e.end.dateTime) - start;
  return Array.from({ length: count }, (_, k) => {
    const s = start + k * step;
    const t = at(s);
    return { ...e, id: `${e.id}_${t.dateTime.replace(/[-:]/g, "")}`, recurrence: undefined, start: t, end: at(s + length), recurringEventId: e.id, originalStartTime: t };
  });
}
