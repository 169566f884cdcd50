// Calendar: the user's primary calendar, one item per event as the Calendar API's event JSON
// (content type application/json; chosen over ICS because it keeps every field the API has,
// including attendees' response states and extended properties, and restores through
// events.insert without a lossy conversion; the export step renders ICS from it).
// - Full sync: events.list with singleEvents=false (a recurring series stays one item, its
//   modified instances are items of their own), paged; the last page carries nextSyncToken
//   (https://developers.google.com/calendar/api/guides/sync).
// - Incremental: events.list with syncToken; cancelled events → delete; 410 → resync_required.
// - Restore: events.insert (sendUpdates=none, so attendees are not re-invited).
import type { calendar_v3 } from "googleapis";
import { ConnectorError, isConnectorError } from "../core/errors";
import { collect } from "../core/stream";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { GoogleApis } from "./api";
import { decodeCursor, encodeCursor, segment } from "./transform";
import { once, subjectOf } from "./units";

interface CalendarCursor extends Record<string, unknown> {
  /** nextSyncToken of the last complete listing. */
  s?: string;
  /** Page token of the listing in progress. */
  p?: string;
  full?: boolean;
}

/** The fields an event is recreated from (ids, etags, links and organizer are the server's). */
const RESTORED_FIELDS = ["summary", "description", "location", "start", "end", "recurrence", "attendees", "transparency", "visibility", "colorId", "reminders", "extendedProperties", "guestsCanModify", "guestsCanInviteOthers", "guestsCanSeeOtherGuests"] as const;

export class CalendarConnector implements UnitConnector {
  readonly kind = "calendar" as const;
  readonly #g: GoogleApis;

  constructor(g: GoogleApis) {
    this.#g = g;
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const user = subjectOf(unit, "calendar", this.#g.config.adminEmail);
    const { signal } = options;
    const state: CalendarCursor = cursor === null ? { full: true } : decodeCursor<CalendarCursor>("calendar", cursor);
    const api = this.#g.calendar(user);
    const maxResults = Math.min(2500, Math.max(1, options.pageSize ?? 250));
    const params: calendar_v3.Params$Resource$Events$List = state.full
      ? { calendarId: "primary", singleEvents: false, showDeleted: false, maxResults, pageToken: state.p }
      : { calendarId: "primary", syncToken: state.s, maxResults, pageToken: state.p };
    const res = await this.#g.call("calendar", user, "events.list", () => api.events.list(params, { signal }), { signal, cursor: !state.full });
    const changes: Change[] = (res.data.items ?? []).map((e) => (e.status === "cancelled" ? { op: "delete", externalId: e.id ?? "" } : { op: "upsert", item: describeEvent(user, e) }));
    const full = state.full === true;
    const next = res.data.nextPageToken ?? undefined;
    if (next) return { changes, cursor: encodeCursor("calendar", { ...(full ? { full: true } : { s: state.s }), p: next }), done: false, full };
    const sync = res.data.nextSyncToken;
    if (!sync) throw new ConnectorError("invalid", "calendar events.list ended without nextSyncToken", { provider: "google" });
    return { changes, cursor: encodeCursor("calendar", { s: sync }), done: true, full };
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const user = subjectOf(unit, "calendar", this.#g.config.adminEmail);
    const api = this.#g.calendar(user);
    const { signal } = options;
    const res = await this.#g.call("calendar", user, "events.get", () => api.events.get({ calendarId: "primary", eventId: item.externalId }, { signal }), { signal });
    if (res.data.status === "cancelled") throw new ConnectorError("not_found", `calendar event ${item.externalId} was cancelled`, { provider: "google", status: 200 });
    const bytes = Buffer.from(JSON.stringify(res.data), "utf8");
    return { body: once(bytes), contentType: "application/json", size: bytes.length };
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    if (item.kind !== "event") throw new ConnectorError("invalid", `calendar restores events, not ${item.kind} items`, { provider: "google" });
    const user = subjectOf(target.unit, "calendar", this.#g.config.adminEmail);
    const { signal } = options;
    let event: calendar_v3.Schema$Event;
    try {
      event = JSON.parse((await collect(content.body, 8 * 1024 * 1024)).toString("utf8")) as calendar_v3.Schema$Event;
    } catch {
      throw new ConnectorError("invalid", `calendar event ${item.externalId}: the backed-up content is not event JSON`, { provider: "google" });
    }
    const api = this.#g.calendar(user, "write");
    const body: calendar_v3.Schema$Event = {};
    for (const f of RESTORED_FIELDS) if (event[f] !== undefined && event[f] !== null) (body as Record<string, unknown>)[f] = event[f];

    const sameCalendar = item.metadata.calendar === user;
    let existing: calendar_v3.Schema$Event | undefined;
    if (sameCalendar) {
      try {
        existing = (await this.#g.call("calendar", user, "events.get", () => api.events.get({ calendarId: "primary", eventId: item.externalId }, { signal }), { signal })).data;
        if (existing.status === "cancelled") existing = undefined;
      } catch (e) {
        if (!isConnectorError(e, "not_found")) throw e;
      }
    }
    if (existing?.id) {
      if (target.conflict === "skip") return { outcome: "skipped", externalId: existing.id, reason: "the event exists in the calendar" };
      if (target.conflict === "replace") {
        const id = existing.id;
        const res = await this.#g.call("calendar", user, "events.update", () => api.events.update({ calendarId: "primary", eventId: id, sendUpdates: "none", requestBody: { ...body } }, { signal }), { signal });
        return { outcome: "replaced", externalId: res.data.id ?? id };
      }
    }
    const res = await this.#g.call("calendar", user, "events.insert", () => api.events.insert({ calendarId: "primary", sendUpdates: "none", requestBody: body }, { signal }), { signal });
    const id = res.data.id ?? undefined;
    if (existing) return { outcome: "copied", externalId: id, reason: "the event exists; restored as a second event" };
    return sameCalendar ? { outcome: "created", externalId: id } : { outcome: "copied", externalId: id, reason: "restored into another user's calendar" };
  }
}

/** A Calendar event as an item descriptor. Exported for the unit tests. */
export function describeEvent(calendar: string, e: calendar_v3.Schema$Event): ItemDescriptor {
  const start = e.start?.dateTime ?? e.start?.date ?? undefined;
  const summary = e.summary ?? "(no title)";
  return {
    externalId: e.id ?? "",
    kind: "event",
    path: `/${start ? start.slice(0, 7) : "undated"}/${segment(`${start ? start.slice(0, 10) : ""} ${summary}`.trim())}`,
    name: summary,
    version: e.etag ?? e.updated ?? e.sequence?.toString() ?? "",
    modifiedAt: e.updated ?? undefined,
    hasContent: true,
    metadata: {
      calendar,
      summary,
      start,
      end: e.end?.dateTime ?? e.end?.date ?? undefined,
      location: e.location ?? undefined,
      organizer: e.organizer?.email ?? undefined,
      attendees: (e.attendees ?? []).map((a) => a.email).filter((x): x is string => !!x),
      recurrence: e.recurrence ?? undefined,
      recurringEventId: e.recurringEventId ?? undefined,
      iCalUID: e.iCalUID ?? undefined,
      status: e.status ?? undefined,
    },
  };
}
