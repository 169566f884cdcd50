// Calendar API v3 (https://developers.google.com/calendar/api/v3/reference) at /calendar/v3/…:
// calendarList.list, events.list (paging, syncToken incremental sync, singleEvents expansion),
// events.get, events.insert, events.delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { authenticate } from "../auth";
import { GoogleApiError } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import type { GoogleUser } from "../tenant";
import { eventJson, expand, type Calendar, type CalEvent, type EventTime } from "./store";

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
    const body = (req.body ?? {}) as Partial<Record<string, unknown>>;
    const time = (v: unknown, name: string): EventTime => {
      const t = v as { dateTime?: unknown; date?: unknown; timeZone?: unknown } | undefined;
      const raw = typeof t?.dateTime === "string" ? t.dateTime : typeof t?.date === "string" ? `${t.date}T00:00:00Z` : undefined;
      if (!raw || Number.isNaN(Date.parse(raw))) throw new GoogleApiError(400, `Missing ${name} time.`, "required");
      return { dateTime: new Date(Date.parse(raw)).toISOString().replace(/\.\d{3}Z$/, "Z"), timeZone: typeof t?.timeZone === "string" ? t.timeZone : "UTC" };
    };
    const start = time(body.start, "start");
    const end = time(body.end, "end");
    if (Date.parse(end.dateTime) < Date.parse(start.dateTime)) throw new GoogleApiError(400, "The specified time range is empty.", "timeRangeEmpty");
    let id = typeof body.id === "string" ? body.id : undefined;
    if (id !== undefined && !/^[a-v0-9]{5,1024}$/.test(id)) throw invalid("Invalid resource id value.");
    if (id !== undefined && calendar.events.has(id)) throw new GoogleApiError(409, "The requested identifier already exists.", "duplicate");
    id ??= calendar.newId("insert", calendar.order.length);
    const recurrence = Array.isArray(body.recurrence) ? body.recurrence.map(String) : undefined;
    const attendees = Array.isArray(body.attendees) ? (body.attendees as { email?: unknown; responseStatus?: unknown }[]).filter((a) => typeof a.email === "string").map((a) => ({ email: String(a.email), responseStatus: typeof a.responseStatus === "string" ? a.responseStatus : "needsAction" })) : undefined;
    const e: CalEvent = {
      id,
      status: body.status === "tentative" ? "tentative" : "confirmed",
      summary: typeof body.summary === "string" ? body.summary : "",
      ...(typeof body.description === "string" ? { description: body.description } : {}),
      ...(typeof body.location === "string" ? { location: body.location } : {}),
      start,
      end,
      ...(recurrence?.length ? { recurrence } : {}),
      ...(attendees?.length ? { attendees } : {}),
      created: calendar.clock,
      updated: calendar.clock,
      seq: 0,
      sequence: 0,
    };
    e.created = calendar.touch(e).updated;
    return eventJson(calendar, e);
  });

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
