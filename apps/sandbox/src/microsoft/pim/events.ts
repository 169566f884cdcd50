// Outlook calendar events through Graph v1.0, under /users/{id} and /me:
//   GET    …/calendarView?startDateTime=&endDateTime=   (user: list calendarView) single events
//          and the occurrences of series in the window, by start; $top (default 10) / $skip
//   GET    …/calendarView/delta?startDateTime=&endDateTime=   event: delta — the same
//          expansion: a series contributes one `occurrence` per instance in the window (with
//          `seriesMasterId`), never its master; a change of a series reports its occurrences
//          again and `@removed` for the ones the change took away (from the state before its
//          last change); a deleted series reports `@removed` for each occurrence in the window
//   GET    …/events (singleInstance and seriesMaster items, as Outlook lists them), …/events/{id}
//          (an occurrence id works too)
//   GET    …/events/{id}/instances?startDateTime=&endDateTime=   (event: list instances) the
//          occurrences of a series master in the window (a single event has none)
//   POST   …/events   create (restore), `recurrence` makes a series master
//   PATCH  …/events/{id}   update subject, body, location, start, end, isAllDay, attendees,
//          recurrence (null ends the series) → 200 with the event
//   DELETE …/events/{id}   → 204; a master takes its series along. Single occurrences cannot
//          be changed or deleted here (exceptions are not emulated): 400.
import { z } from "zod";
import { badRequest, GraphError, itemNotFound } from "../errors";
import { graphBase } from "../odata";
import { PERMISSIONS } from "../scopes";
import { eventResource, type EventData } from "./data";
import { occurrenceId, occurrences, parseOccurrenceId, recurrenceFrom, RecurrenceInput } from "./recurrence";
import type { PimKit } from "./routes";
import type { PimChange, PimItem, PimStore } from "./store";

const EmailAddress = z.object({ name: z.string().default(""), address: z.string().default("") });
const DateTimeTimeZone = z.object({ dateTime: z.string().min(1), timeZone: z.string().default("UTC") });
const EventFields = {
  subject: z.string(),
  body: z.object({ contentType: z.enum(["text", "html", "Text", "HTML"]).default("text"), content: z.string().default("") }),
  start: DateTimeTimeZone,
  end: DateTimeTimeZone,
  location: z.object({ displayName: z.string().default("") }),
  isAllDay: z.boolean(),
  attendees: z.array(z.object({ emailAddress: EmailAddress })),
  recurrence: RecurrenceInput.nullable(),
};
export const CreateEventInput = z.object({
  ...EventFields,
  subject: EventFields.subject.default(""),
  body: EventFields.body.optional(),
  location: EventFields.location.optional(),
  isAllDay: EventFields.isAllDay.default(false),
  attendees: EventFields.attendees.default([]),
  recurrence: EventFields.recurrence.optional(),
});
export type CreateEventInput = z.infer<typeof CreateEventInput>;
export const UpdateEventInput = z.object(EventFields).partial();
export type UpdateEventInput = z.infer<typeof UpdateEventInput>;

const ALL: [number, number] = [-Infinity, Infinity];
const removed = (id: string) => ({ id, "@removed": { reason: "deleted" } });

export function registerEvents({ route, ownerOf, userPath, parseTime, delta, page, webBase }: PimKit): void {
  const invalid = (what: string, error: z.ZodError) => badRequest(`Invalid ${what}: ${error.issues[0]?.path.join(".") ?? ""} ${error.issues[0]?.message ?? ""}`.trim());
  const utc = (t: { timeZone: string } | undefined) => {
    if (t && t.timeZone.toUpperCase() !== "UTC") throw new GraphError(400, "TimeZoneNotSupportedException", `The sandbox supports only UTC, not '${t.timeZone}'.`);
  };

  /** Applies (partial) input to an event's data; the result is checked as a whole. */
  const apply = (base: EventData, b: UpdateEventInput): EventData => {
    utc(b.start);
    utc(b.end);
    const start = b.start ? parseTime(b.start.dateTime, "start") : base.start;
    const end = b.end ? parseTime(b.end.dateTime, "end") : base.end;
    if (end < start) throw new GraphError(400, "ErrorInvalidRequest", "The end time must be after the start time.");
    let recurrence = base.recurrence;
    if (b.recurrence !== undefined) {
      const r = b.recurrence ? recurrenceFrom(b.recurrence, start) : null;
      if (typeof r === "string") throw new GraphError(400, "ErrorInvalidRequest", r);
      recurrence = r;
    }
    return {
      ...base,
      ...(b.subject !== undefined ? { subject: b.subject } : {}),
      ...(b.body ? { body: { contentType: b.body.contentType.toLowerCase() === "html" ? "html" : "text", content: b.body.content } } : {}),
      ...(b.location ? { location: b.location.displayName } : {}),
      ...(b.isAllDay !== undefined ? { isAllDay: b.isAllDay } : {}),
      ...(b.attendees ? { attendees: b.attendees.map((a) => a.emailAddress) } : {}),
      start,
      end,
      recurrence,
    };
  };

  /** What an event is on a calendar view: itself (single) or its occurrences in the window. */
  const expand = (item: PimItem<EventData>, data: EventData, w: [number, number]): { id: string; render: () => Record<string, unknown> }[] => {
    if (!data.recurrence) return data.start < w[1] && data.end > w[0] ? [{ id: item.id, render: () => eventResource(item, webBase) }] : [];
    return occurrences(data.recurrence, data.start, data.end, w[0], w[1]).map((o) => ({ id: occurrenceId(item.id, o.ordinal), render: () => eventResource(item, webBase, o) }));
  };

  const deltaOutputs = (e: PimChange<EventData>, window: [number, number] | undefined, incremental: boolean): Record<string, unknown>[] => {
    const w = window ?? ALL;
    if (!e.item) {
      const gone = e.removed;
      return gone?.data.recurrence ? expand(gone, gone.data, w).map((x) => removed(x.id)) : [removed(e.id)];
    }
    const now = expand(e.item, e.item.data, w);
    const out = now.map((x) => x.render());
    if (incremental && e.item.prev) {
      const kept = new Set(now.map((x) => x.id));
      for (const x of expand(e.item, e.item.prev, w)) if (!kept.has(x.id)) out.push(removed(x.id));
    }
    return out;
  };

  const windowOf = (req: Parameters<PimKit["userPath"]>[0]): [number, number] => {
    const q = req.query as Record<string, string | undefined>;
    return [parseTime(q.startDateTime, "startDateTime"), parseTime(q.endDateTime, "endDateTime")];
  };

  /** A master, single event or occurrence by id. */
  const find = (calendar: PimStore<EventData>, id: string) => {
    const occ = parseOccurrenceId(id);
    if (!occ) {
      const item = calendar.get(id);
      if (!item) throw itemNotFound();
      return { item };
    }
    const item = calendar.get(occ.masterId);
    const o = item?.data.recurrence ? occurrences(item.data.recurrence, item.data.start, item.data.end, -Infinity, Infinity).find((x) => x.ordinal === occ.ordinal) : undefined;
    if (!item || !o) throw itemNotFound();
    return { item, occurrence: o };
  };

  route("GET", "/calendarView/delta", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    return delta(req, reply, "e", tenant.calendar(user), `${userPath(req)}/calendarView/delta`, deltaOutputs, "#microsoft.graph.event");
  });
  route("GET", "/calendarView", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    const w = windowOf(req);
    const all = tenant.calendar(user).list().flatMap((e) => expand(e, e.data, w).map((x) => ({ ...x, start: x.render().start as { dateTime: string } })));
    all.sort((a, b) => a.start.dateTime.localeCompare(b.start.dateTime));
    return page(req, all, (x) => x.render(), "users('…')/calendarView");
  });
  route("GET", "/events", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    return page(req, tenant.calendar(user).list(), (e) => eventResource(e, webBase), "users('…')/events");
  });
  route("GET", "/events/:eid", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    const { item, occurrence } = find(tenant.calendar(user), (req.params as { eid: string }).eid);
    return eventResource(item, webBase, occurrence);
  });
  route("GET", "/events/:eid/instances", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    const w = windowOf(req);
    const { item, occurrence } = find(tenant.calendar(user), (req.params as { eid: string }).eid);
    if (occurrence) throw badRequest("instances is only available on a series master.");
    const list = item.data.recurrence ? occurrences(item.data.recurrence, item.data.start, item.data.end, w[0], w[1]) : [];
    return page(req, list, (o) => eventResource(item, webBase, o), "users('…')/events('…')/instances");
  });
  route("POST", "/events", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsWrite);
    const parsed = CreateEventInput.safeParse(req.body);
    if (!parsed.success) throw invalid("event", parsed.error);
    const empty: EventData = { subject: "", body: { contentType: "text", content: "" }, location: "", start: 0, end: 0, isAllDay: false, attendees: [], organizer: { name: user.displayName, address: user.userPrincipalName }, recurrence: null };
    const e = tenant.calendar(user).create(apply(empty, parsed.data));
    return reply.code(201).send({ "@odata.context": `${graphBase(req)}/$metadata#users('${user.id}')/events/$entity`, ...eventResource(e, webBase) });
  });
  route("PATCH", "/events/:eid", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsWrite);
    const calendar = tenant.calendar(user);
    const { item, occurrence } = find(calendar, (req.params as { eid: string }).eid);
    if (occurrence) throw badRequest("The sandbox does not change single occurrences of a series (exceptions are not emulated); update the series master.");
    const parsed = UpdateEventInput.safeParse(req.body);
    if (!parsed.success) throw invalid("event", parsed.error);
    const next = apply(item.data, parsed.data);
    const updated = calendar.update(item.id, () => next);
    if (!updated) throw itemNotFound();
    return reply.code(200).send({ "@odata.context": `${graphBase(req)}/$metadata#users('${user.id}')/events/$entity`, ...eventResource(updated, webBase) });
  });
  route("DELETE", "/events/:eid", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsWrite);
    const calendar = tenant.calendar(user);
    const { item, occurrence } = find(calendar, (req.params as { eid: string }).eid);
    if (occurrence) throw badRequest("The sandbox does not delete single occurrences of a series (exceptions are not emulated); delete the series master.");
    calendar.delete(item.id);
    return reply.code(204).send();
  });
}
