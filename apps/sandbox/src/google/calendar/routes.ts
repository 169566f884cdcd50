// Calendar API v3 (https://developers.google.com/calendar/api/v3/reference) at /calendar/v3/…:
// calendarList.list, events.list (paging, syncToken incremental sync, singleEvents expansion),
// events.get, events.insert, events.update, events.patch, events.delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { authenticate } from "../auth";
import { GoogleApiError } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import type { GoogleUser } from "../tenant";
import { eventEtag, eventJson, expand, type Calendar, type CalEvent, type EventTime } from "./store";

const API = "/calendar/v3";
type Query = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const invalid = (message: string) => new GoogleApiError(400, message, "invalid");
/** 410 Gone, reason fullSyncRequired: the documented "wipe and resync" answer to an old token. */
const fullSyncRequired = () => new GoogleApiError(410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired", "GONE", { domain: "calendar" });

/** Parameters the reference says cannot be combined with syncToken. */
const NOT_WITH_SYNC = ["iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"];

interface ListCursor {
  /** Offset into the result. */
  o: number;
  /** The calendar's sequence when the listing began: the nextSyncToken it ends with. */
  s: number;
  /** Incremental listing: changes from this sequence on. */
  f?: number;
}
type Instance = CalEvent & { recurringEventId?: string; originalStartTime?: EventTime };
const isCursor = (v: unknown): v is ListCursor => typeof (v as ListCursor)?.o === "number" && typeof (v as ListCursor)?.s === "number";
const isSync = (v: unknown): v is { s: number } => typeof (v as { s?: unknown })?.s === "number";

type Body = Partial<Record<string, unknown>>;
type Attendee = { email: string; responseStatus: string };
/** The writable event fields of a request body; `null` (patch) clears a field. */
interface EventFields {
  status?: string;
  summary?: string | null;
  description?: string | null;
  location?: string | null;
  start?: EventTime;
  end?: EventTime;
  recurrence?: string[] | null;
  attendees?: Attendee[] | null;
}

function eventTime(v: unknown, name: string): EventTime {
  const t = v as { dateTime?: unknown; date?: unknown; timeZone?: unknown } | undefined;
  const raw = typeof t?.dateTime === "string" ? t.dateTime : typeof t?.date === "string" ? `${t.date}T00:00:00Z` : undefined;
  if (!raw || Number.isNaN(Date.parse(raw))) throw new GoogleApiError(400, `Missing ${name} time.`, "required");
  return { dateTime: new Date(Date.parse(raw)).toISOString().replace(/\.\d{3}Z$/, "Z"), timeZone: typeof t?.timeZone === "string" ? t.timeZone : "UTC" };
}

/** `all` (insert, update): start and end required; `given` (patch): only what the body names. */
function eventFields(body: Body, mode: "all" | "given"): EventFields {
  const f: EventFields = {};
  const text = (name: "summary" | "description" | "location") => {
    const v = body[name];
    if (v === null) f[name] = null;
    else if (typeof v === "string") f[name] = v;
    else if (v !== undefined) throw invalid(`Invalid value for ${name}.`);
  };
  text("summary");
  text("description");
  text("location");
  if (mode === "all" || body.start !== undefined) f.start = eventTime(body.start, "start");
  if (mode === "all" || body.end !== undefined) f.end = eventTime(body.end, "end");
  if (mode === "all" && Date.parse(f.end?.dateTime ?? "") < Date.parse(f.start?.dateTime ?? "")) throw new GoogleApiError(400, "The specified time range is empty.", "timeRangeEmpty");
  if (body.status !== undefined) {
    const status = typeof body.status === "string" ? body.status : "";
    if (!["confirmed", "tentative", "cancelled"].includes(status)) throw invalid(`Invalid value for status: ${JSON.stringify(body.status)}`);
    f.status = status;
  }
  if (body.recurrence === null) f.recurrence = null;
  else if (Array.isArray(body.recurrence)) f.recurrence = body.recurrence.map(String);
  if (body.attendees === null) f.attendees = null;
  else if (Array.isArray(body.attendees)) {
    f.attendees = (body.attendees as { email?: unknown; responseStatus?: unknown }[]).filter((a) => typeof a.email === "string").map((a) => ({ email: String(a.email), responseStatus: typeof a.responseStatus === "string" ? a.responseStatus : "needsAction" }));
  }
  return f;
}

export function registerCalendar(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply, scopes: readonly string[]): { user: GoogleUser; cals: Calendar[]; calendar: Calendar | undefined } => {
    const c = authenticate(ctx, req, reply, scopes);
    if (!c.user) throw new GoogleApiError(403, "Service accounts cannot access this calendar without domain-wide delegation.", "forbidden");
    const calendarId = (req.params as { calendarId?: string }).calendarId;
    const calendar = calendarId === undefined ? undefined : c.tenant.calendars.find(c.user, calendarId);
    if (calendarId !== undefined && !calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    return { user: c.user, cals: c.tenant.calendars.of(c.user), calendar };
  };

  // calendarList.list: the user's calendars (primary first). One page; no sync token of its own.
  app.get(`${API}/users/me/calendarList`, async (req, reply) => {
    const { cals } = caller(req, reply, METHOD_SCOPES.calendarRead);
    return {
      kind: "calendar#calendarList",
      etag: `"p${cals.map((c) => c.seq).join("")}"`,
      items: cals.map((c) => ({ kind: "calendar#calendarListEntry", etag: `"${c.seq}"`, id: c.id, summary: c.summary, timeZone: "UTC", accessRole: "owner", defaultReminders: [], ...(c.primary ? { primary: true } : {}), selected: true })),
    };
  });

  // events.list. Full listing: live events (cancelled ones only with showDeleted=true), paged,
  // the last page carrying nextSyncToken. With syncToken: every event changed since, cancelled
  // ones included, whatever showDeleted says; 410 fullSyncRequired when the token has expired.
  // singleEvents=true expands the seeded RRULEs into instances; orderBy=startTime needs it.
  app.get(`${API}/calendars/:calendarId/events`, async (req, reply) => {
    const { calendar } = caller(req, reply, METHOD_SCOPES.calendarRead);
    if (!calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    const q = req.query as Query;
    const max = Number(one(q.maxResults) ?? 250);
    if (!Number.isInteger(max) || max < 1) throw invalid("Invalid maxResults value.");
    const pageSize = Math.min(max, 2500);
    const pageToken = one(q.pageToken);
    const syncToken = one(q.syncToken);
    let cursor: ListCursor;
    if (pageToken) {
      const c = decodePageToken(pageToken, isCursor);
      if (!c) throw invalid("Invalid page token value.");
      cursor = c;
    } else if (syncToken) {
      const bad = NOT_WITH_SYNC.find((p) => q[p] !== undefined);
      if (bad) throw invalid(`The ${bad} parameter cannot be used with syncToken.`);
      const t = decodePageToken(syncToken, isSync);
      if (!t) throw invalid("Invalid sync token value.");
      cursor = { o: 0, s: calendar.seq, f: t.s };
    } else cursor = { o: 0, s: calendar.seq };
    if (cursor.f !== undefined && !calendar.answerable(cursor.f)) throw fullSyncRequired();

    const incremental = cursor.f !== undefined;
    const single = one(q.singleEvents) === "true";
    const orderBy = one(q.orderBy);
    if (orderBy === "startTime" && !single) throw invalid("The requested ordering is not available for the particular query.");
    if (orderBy !== undefined && orderBy !== "startTime" && orderBy !== "updated") throw invalid(`Invalid value for orderBy: ${orderBy}`);
    const timeMin = one(q.timeMin) ? Date.parse(one(q.timeMin) ?? "") : undefined;
    const timeMax = one(q.timeMax) ? Date.parse(one(q.timeMax) ?? "") : undefined;
    if (Number.isNaN(timeMin) || Number.isNaN(timeMax)) throw invalid("Bad Request");

    let events: Instance[] = [];
    for (const e of calendar.live(incremental || one(q.showDeleted) === "true")) {
      if (incremental && e.seq < (cursor.f ?? 0)) continue;
      if (single && e.status !== "cancelled") events.push(...expand(e));
      else events.push(e);
    }
    const startOf = (t: EventTime) => Date.parse(t.dateTime);
    if (timeMin !== undefined) events = events.filter((e) => startOf(e.end) > timeMin);
    if (timeMax !== undefined) events = events.filter((e) => startOf(e.start) < timeMax);
    if (orderBy === "startTime") events.sort((a, b) => startOf(a.start) - startOf(b.start));
    if (orderBy === "updated") events.sort((a, b) => a.updated - b.updated);

    const page = events.slice(cursor.o, cursor.o + pageSize);
    const more = cursor.o + pageSize < events.length;
    return {
      kind: "calendar#events",
      etag: `"${calendar.seq}"`,
      summary: calendar.summary,
      updated: new Date(calendar.clock).toISOString(),
      timeZone: "UTC",
      accessRole: "owner",
      defaultReminders: [{ method: "popup", minutes: 10 }],
      ...(more ? { nextPageToken: encodePageToken({ ...cursor, o: cursor.o + pageSize }) } : { nextSyncToken: encodePageToken({ s: cursor.s }) }),
      items: page.map((e) => ({ ...eventJson(calendar, e), ...(e.recurringEventId ? { recurringEventId: e.recurringEventId, originalStartTime: e.originalStartTime } : {}) })),
    };
  });

  // events.get: cancelled events are still returned (status "cancelled").
  app.get(`${API}/calendars/:calendarId/events/:eventId`, async (req, reply) => {
    const { calendar } = caller(req, reply, METHOD_SCOPES.calendarRead);
    if (!calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    const e = calendar.events.get((req.params as { eventId: string }).eventId);
    if (!e) throw new GoogleApiError(404, "Not Found", "notFound");
    return eventJson(calendar, e);
  });

  // events.insert: start and end are required; a client-chosen id must be base32hex, 5–1024
  // characters, and unused (409 duplicate otherwise).
  app.post(`${API}/calendars/:calendarId/events`, async (req, reply) => {
    const { calendar } = caller(req, reply, METHOD_SCOPES.calendarWrite);
    if (!calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    const body = (req.body ?? {}) as Body;
    const f = eventFields(body, "all");
    let id = typeof body.id === "string" ? body.id : undefined;
    if (id !== undefined && !/^[a-v0-9]{5,1024}$/.test(id)) throw invalid("Invalid resource id value.");
    if (id !== undefined && calendar.events.has(id)) throw new GoogleApiError(409, "The requested identifier already exists.", "duplicate");
    id ??= calendar.newId("insert", calendar.order.length);
    const e: CalEvent = {
      id,
      status: f.status === "tentative" ? "tentative" : "confirmed",
      summary: f.summary ?? "",
      ...(f.description != null ? { description: f.description } : {}),
      ...(f.location != null ? { location: f.location } : {}),
      start: f.start as EventTime,
      end: f.end as EventTime,
      ...(f.recurrence?.length ? { recurrence: f.recurrence } : {}),
      ...(f.attendees?.length ? { attendees: f.attendees } : {}),
      created: calendar.clock,
      updated: calendar.clock,
      seq: 0,
      sequence: 0,
    };
    e.created = calendar.touch(e).updated;
    return eventJson(calendar, e);
  });

  // events.update (PUT: the whole resource; what the body leaves out is cleared, start and end
  // required) and events.patch (only the fields given; arrays replace, null clears). Both:
  // - If-Match with the event's etag (the "Version resources" guide): a stale etag → 412
  //   conditionNotMet, nothing changes.
  // - sequence (iCalendar SEQUENCE): a client value below the current one → 400 "Invalid
  //   sequence value"; otherwise a change of start, end, recurrence or status increments it.
  // - status "cancelled" deletes the event: a tombstone reported to sync tokens, as events.delete.
  // - an unknown event → 404; a deleted (cancelled) one → 410 deleted, as events.delete answers.
  // Every change gets a new etag and `updated` and is reported by the next incremental sync.
  const modify = (mode: "all" | "given") => async (req: FastifyRequest, reply: FastifyReply) => {
    const { calendar } = caller(req, reply, METHOD_SCOPES.calendarWrite);
    if (!calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    const id = (req.params as { eventId: string }).eventId;
    const e = calendar.events.get(id);
    if (!e) throw new GoogleApiError(404, "Not Found", "notFound");
    if (e.status === "cancelled") throw new GoogleApiError(410, "Resource has been deleted", "deleted", "GONE");
    const ifMatch = req.headers["if-match"];
    if (typeof ifMatch === "string" && ifMatch !== "*" && !ifMatch.split(",").map((t) => t.trim().replace(/^W\//, "")).includes(eventEtag(e))) {
      throw new GoogleApiError(412, "Precondition Failed", "conditionNotMet", "FAILED_PRECONDITION", { location: "If-Match", locationType: "header" });
    }
    const body = (req.body ?? {}) as Body;
    if (typeof body.id === "string" && body.id !== id) throw invalid("The event id in the body does not match the path.");
    const f = eventFields(body, mode);
    if (body.sequence !== undefined && body.sequence !== null) {
      if (typeof body.sequence !== "number" || !Number.isInteger(body.sequence) || body.sequence < 0) throw invalid("Invalid sequence value.");
      if (body.sequence < e.sequence) throw invalid("Invalid sequence value. The specified sequence number is below the current sequence number of the resource.");
    }
    const start = f.start ?? e.start;
    const end = f.end ?? e.end;
    if (Date.parse(end.dateTime) < Date.parse(start.dateTime)) throw new GoogleApiError(400, "The specified time range is empty.", "timeRangeEmpty");
    if (f.status === "cancelled") {
      calendar.cancel(id);
      return eventJson(calendar, e);
    }
    const significant =
      JSON.stringify(start) !== JSON.stringify(e.start) || JSON.stringify(end) !== JSON.stringify(e.end) || JSON.stringify(f.recurrence === undefined ? e.recurrence : f.recurrence) !== JSON.stringify(e.recurrence) || (f.status !== undefined && f.status !== e.status);
    const keep = <T>(given: T | undefined | null, current: T | undefined): T | undefined => (mode === "all" ? (given ?? undefined) : given === null ? undefined : given !== undefined ? given : current);
    const next: CalEvent = {
      ...e,
      status: f.status === "tentative" || f.status === "confirmed" ? f.status : mode === "all" ? "confirmed" : e.status,
      summary: keep(f.summary, e.summary) ?? "",
      description: keep(f.description, e.description),
      location: keep(f.location, e.location),
      start,
      end,
      recurrence: keep(f.recurrence, e.recurrence),
      attendees: keep(f.attendees, e.attendees),
      sequence: typeof body.sequence === "number" ? Math.max(body.sequence, e.sequence + (significant && body.sequence === e.sequence ? 1 : 0)) : e.sequence + (significant ? 1 : 0),
    };
    if (!next.recurrence?.length) delete next.recurrence;
    if (!next.attendees?.length) delete next.attendees;
    if (next.description === undefined) delete next.description;
    if (next.location === undefined) delete next.location;
    calendar.events.set(id, next);
    return eventJson(calendar, calendar.touch(next));
  };
  app.put(`${API}/calendars/:calendarId/events/:eventId`, modify("all"));
  app.patch(`${API}/calendars/:calendarId/events/:eventId`, modify("given"));

  // events.delete: 204; an event already cancelled is 410 "deleted".
  app.delete(`${API}/calendars/:calendarId/events/:eventId`, async (req, reply) => {
    const { calendar } = caller(req, reply, METHOD_SCOPES.calendarWrite);
    if (!calendar) throw new GoogleApiError(404, "Not Found", "notFound");
    const id = (req.params as { eventId: string }).eventId;
    const e = calendar.events.get(id);
    if (!e) throw new GoogleApiError(404, "Not Found", "notFound");
    if (!calendar.cancel(id)) throw new GoogleApiError(410, "Resource has been deleted", "deleted", "GONE");
    return reply.code(204).send();
  });
}
