// Outlook calendar and contacts through Graph v1.0, under /users/{id} and /me (v1.0 tracks
// event changes only on a calendarView; /events/delta is beta and not emulated):
//   GET  …/calendarView/delta?startDateTime=&endDateTime=   event: delta (https://learn.microsoft.com/graph/api/event-delta)
//   GET  …/events, …/events/{id}; POST …/events (restore)
//   GET  …/contactFolders, …/contacts, …/contacts/{id}, …/contactFolders/{id}/contacts
//   GET  …/contacts/delta, …/contactFolders/{id}/contacts/delta  (https://learn.microsoft.com/graph/api/contact-delta)
//   POST …/contacts, …/contactFolders/{id}/contacts (restore)
//   GET|PUT …/contacts/{id}/photo/$value (profilephoto; 404 ImageNotFound without one)
// Delta follows Graph's protocol as for messages: pages linked by absolute @odata.nextLink
// ($skiptoken), the last with @odata.deltaLink ($deltatoken); later rounds return what was
// added or changed since and `{ id, "@removed": { reason: "deleted" } }`; page size from
// `Prefer: odata.maxpagesize` (default 10); an expired token → 410 syncStateNotFound.
// calendarView/delta needs the window on the first request only; the tokens carry it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { graphCaller, mailboxUser, requirePermission } from "../auth";
import { badRequest, GraphError, itemNotFound } from "../errors";
import { syncStateNotFound } from "../mail/delta";
import { graphBase, GRAPH_PATH, maxPageSize, one, skip, top, type Query } from "../odata";
import { PERMISSIONS, type PermissionSet } from "../scopes";
import { contactResource, eventResource, type ContactData, type EventData } from "./data";
import type { Cursor, PimItem, PimStore } from "./store";

interface DeltaState {
  k: "e" | "c";
  /** calendarView window [start, end) in ms. */
  w?: [number, number];
  /** Change round since this sequence; absent in the full first round. */
  s?: number;
  u: number;
  c?: [number, number];
  n: number;
}
const isState = (v: unknown): v is DeltaState => {
  const s = v as Partial<DeltaState> | null;
  return (s?.k === "e" || s?.k === "c") && typeof s.u === "number" && typeof s.n === "number";
};

const EmailAddress = z.object({ name: z.string().default(""), address: z.string().default("") });
const DateTimeTimeZone = z.object({ dateTime: z.string().min(1), timeZone: z.string().default("UTC") });
export const CreateEventInput = z.object({
  subject: z.string().default(""),
  body: z.object({ contentType: z.enum(["text", "html", "Text", "HTML"]).default("text"), content: z.string().default("") }).optional(),
  start: DateTimeTimeZone,
  end: DateTimeTimeZone,
  location: z.object({ displayName: z.string().default("") }).optional(),
  isAllDay: z.boolean().default(false),
  attendees: z.array(z.object({ emailAddress: EmailAddress })).default([]),
});
export type CreateEventInput = z.infer<typeof CreateEventInput>;
export const CreateContactInput = z.object({
  givenName: z.string().nullish(),
  surname: z.string().nullish(),
  displayName: z.string().nullish(),
  emailAddresses: z.array(EmailAddress).default([]),
  businessPhones: z.array(z.string()).default([]),
  mobilePhone: z.string().nullish(),
  companyName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  personalNotes: z.string().nullish(),
});
export type CreateContactInput = z.infer<typeof CreateContactInput>;

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function registerPim(app: FastifyInstance, ctx: SandboxContext): void {
  const route = (method: "GET" | "POST" | "PUT", suffix: string, handler: Handler) => {
    for (const prefix of [`${GRAPH_PATH}/users/:uid`, `${GRAPH_PATH}/me`]) app.route({ method, url: `${prefix}${suffix}`, handler });
  };
  const ownerOf = (req: FastifyRequest, reply: FastifyReply, permission: PermissionSet) => {
    const caller = graphCaller(ctx, req, reply);
    requirePermission(caller, permission);
    const user = mailboxUser(caller, (req.params as { uid?: string }).uid);
    return { tenant: caller.tenant, user };
  };
  const userPath = (req: FastifyRequest) => {
    const uid = (req.params as { uid?: string }).uid;
    return `${graphBase(req)}${uid ? `/users/${encodeURIComponent(uid)}` : "/me"}`;
  };
  const webBase = "https://outlook.office365.com/owa";

  // Graph's dateTime strings carry no offset; without one they are in the given time zone (UTC here).
  const parseTime = (raw: string | undefined, name: string): number => {
    if (!raw) throw badRequest(`This request requires a time window specified by the query string parameters ${name === "startDateTime" ? "StartDateTime and EndDateTime" : "StartDateTime and EndDateTime"}.`);
    // Graph writes seven fractional digits ("…T10:00:00.0000000"); Date.parse takes three.
    const trimmed = raw.replace(/(\.\d{3})\d+/, "$1");
    const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(trimmed) ? trimmed : `${trimmed}Z`);
    if (Number.isNaN(ms)) throw badRequest(`The value '${raw}' of parameter '${name}' is invalid.`);
    return ms;
  };

  const delta = async <T>(req: FastifyRequest, reply: FastifyReply, kind: "e" | "c", store: PimStore<T>, linkBase: string, render: (item: PimItem<T>) => Record<string, unknown>, odataType: string) => {
    const q = req.query as Query;
    const skipToken = one(q, "$skiptoken");
    const deltaToken = one(q, "$deltatoken");
    const decode = (t: string) => {
      const s = decodePageToken(t, isState);
      if (!s || s.k !== kind) throw badRequest("Invalid state token.");
      return s;
    };
    let state: DeltaState;
    if (skipToken) state = decode(skipToken);
    else if (deltaToken) {
      const d = decode(deltaToken);
      state = { k: kind, s: d.u, u: store.seq, n: d.n, ...(d.w ? { w: d.w } : {}) };
    } else {
      const w: [number, number] | undefined = kind === "e" ? [parseTime(one(q, "startDateTime"), "startDateTime"), parseTime(one(q, "endDateTime"), "endDateTime")] : undefined;
      state = { k: kind, u: store.seq, n: 10, ...(w ? { w } : {}) };
    }
    const preferred = maxPageSize(req);
    const size = preferred ? Math.min(Math.max(preferred, 1), 1000) : state.n;
    if (preferred) void reply.header("preference-applied", `odata.maxpagesize=${size}`);
    if (!store.answerable(state.s ?? state.u)) throw syncStateNotFound();
    const after: Cursor | undefined = state.c ? { seq: state.c[0], ord: state.c[1] } : undefined;
    const inWindow = (item: PimItem<T>) => {
      if (!state.w) return true;
      const d = item.data as unknown as EventData;
      return d.start < state.w[1] && d.end > state.w[0];
    };
    const value: Record<string, unknown>[] = [];
    let more = false;
    for (const e of store.changes(state.s, state.u, after)) {
      if (e.item && !inWindow(e.item)) continue;
      if (value.length === size) {
        more = true;
        break;
      }
      value.push(e.item ? { "@odata.type": odataType, ...render(e.item) } : { "@odata.type": odataType, id: e.id, "@removed": { reason: "deleted" } });
      state.c = [e.seq, e.ord];
    }
    return {
      "@odata.context": `${graphBase(req)}/$metadata#Collection(${odataType.slice("#microsoft.graph.".length)})`,
      ...(more ? { "@odata.nextLink": `${linkBase}?$skiptoken=${encodePageToken(state)}` } : { "@odata.deltaLink": `${linkBase}?$deltatoken=${encodePageToken({ k: kind, u: state.u, n: state.n, ...(state.w ? { w: state.w } : {}) })}` }),
      value,
    };
  };

  const page = <T>(req: FastifyRequest, items: PimItem<T>[], render: (item: PimItem<T>) => Record<string, unknown>, entity: string) => {
    const q = req.query as Query;
    const n = top(q, 10, 1000);
    const from = skip(q);
    const slice = items.slice(from, from + n);
    const next = from + n < items.length ? new URL(req.url, graphBase(req)) : undefined;
    if (next) next.searchParams.set("$skip", String(from + n));
    return {
      "@odata.context": `${graphBase(req)}/$metadata#${entity}`,
      value: slice.map(render),
      ...(next ? { "@odata.nextLink": `${graphBase(req).replace(GRAPH_PATH, "")}${next.pathname}${next.search.replace(/%24/g, "$")}` } : {}),
    };
  };

  // ---- calendar --------------------------------------------------------------------------

  route("GET", "/calendarView/delta", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    return delta(req, reply, "e", tenant.calendar(user), `${userPath(req)}/calendarView/delta`, (e) => eventResource(e, webBase), "#microsoft.graph.event");
  });
  route("GET", "/events", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    return page(req, tenant.calendar(user).list(), (e) => eventResource(e, webBase), "users('…')/events");
  });
  route("GET", "/events/:eid", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsRead);
    const e = tenant.calendar(user).get((req.params as { eid: string }).eid);
    if (!e) throw itemNotFound();
    return eventResource(e, webBase);
  });
  route("POST", "/events", async (req, reply) => {
    const { tenant, user } = ownerOf(req, reply, PERMISSIONS.calendarsWrite);
    const parsed = CreateEventInput.safeParse(req.body);
    if (!parsed.success) throw badRequest(`Invalid event: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim());
    const b = parsed.data;
    for (const t of [b.start, b.end]) if (t.timeZone.toUpperCase() !== "UTC") throw new GraphError(400, "TimeZoneNotSupportedException", `The sandbox supports only UTC, not '${t.timeZone}'.`);
    const start = parseTime(b.start.dateTime, "start");
    const end = parseTime(b.end.dateTime, "end");
    if (end < start) throw new GraphError(400, "ErrorInvalidRequest", "The end time must be after the start time.");
    const e = tenant.calendar(user).create({
      subject: b.subject,
      body: { contentType: b.body?.contentType.toLowerCase() === "html" ? "html" : "text", content: b.body?.content ?? "" },
      location: b.location?.displayName ?? "",
      start,
      end,
      isAllDay: b.isAllDay,
      attendees: b.attendees.map((a) => a.emailAddress),
      organizer: { name: user.displayName, address: user.userPrincipalName },
    });
    return reply.code(201).send({ "@odata.context": `${graphBase(req)}/$metadata#users('${user.id}')/events/$entity`, ...eventResource(e, webBase) });
  });

  // ---- contacts --------------------------------------------------------------------------

  const folderOr404 = (req: FastifyRequest, expected: string) => {
    const fid = (req.params as { fid?: string }).fid;
    if (fid !== undefined && fid !== expected && fid.toLowerCase() !== "contacts") throw itemNotFound();
  };
  const contactsOf = (req: FastifyRequest, reply: FastifyReply, permission: PermissionSet) => {
    const { tenant, user } = ownerOf(req, reply, permission);
    const folderId = tenant.contactFolderId(user);
    folderOr404(req, folderId);
    return { tenant, user, folderId, book: tenant.contacts(user) };
  };
  route("GET", "/contactFolders", async (req, reply) => {
    const { user, folderId } = contactsOf(req, reply, PERMISSIONS.contactsRead);
    return { "@odata.context": `${graphBase(req)}/$metadata#users('${user.id}')/contactFolders`, value: [{ id: folderId, displayName: "Contacts", parentFolderId: null }] };
  });
  route("GET", "/contactFolders/:fid", async (req, reply) => {
    const { folderId } = contactsOf(req, reply, PERMISSIONS.contactsRead);
    return { id: folderId, displayName: "Contacts", parentFolderId: null };
  });
  for (const base of ["", "/contactFolders/:fid"]) {
    route("GET", `${base}/contacts/delta`, async (req, reply) => {
      const { folderId, book } = contactsOf(req, reply, PERMISSIONS.contactsRead);
      const path = base ? `/contactFolders/${encodeURIComponent((req.params as { fid: string }).fid)}` : "";
      return delta(req, reply, "c", book, `${userPath(req)}${path}/contacts/delta`, (c) => contactResource(c, folderId), "#microsoft.graph.contact");
    });
    route("GET", `${base}/contacts`, async (req, reply) => {
      const { folderId, book } = contactsOf(req, reply, PERMISSIONS.contactsRead);
      return page(req, book.list(), (c) => contactResource(c, folderId), "users('…')/contacts");
    });
    route("POST", `${base}/contacts`, async (req, reply) => {
      const { folderId, book } = contactsOf(req, reply, PERMISSIONS.contactsWrite);
      const parsed = CreateContactInput.safeParse(req.body);
      if (!parsed.success) throw badRequest(`Invalid contact: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim());
      const b = parsed.data;
      const data: ContactData = {
        givenName: b.givenName ?? "",
        surname: b.surname ?? "",
        displayName: b.displayName ?? [b.givenName, b.surname].filter(Boolean).join(" "),
        emailAddresses: b.emailAddresses,
        businessPhones: b.businessPhones,
        mobilePhone: b.mobilePhone ?? null,
        companyName: b.companyName ?? "",
        jobTitle: b.jobTitle ?? "",
        personalNotes: b.personalNotes ?? "",
        photo: null,
      };
      const c = book.create(data);
      return reply.code(201).send(contactResource(c, folderId));
    });
  }
  route("GET", "/contacts/:cid", async (req, reply) => {
    const { folderId, book } = contactsOf(req, reply, PERMISSIONS.contactsRead);
    const c = book.get((req.params as { cid: string }).cid);
    if (!c) throw itemNotFound();
    return contactResource(c, folderId);
  });
  route("GET", "/contacts/:cid/photo/$value", async (req, reply) => {
    const { book } = contactsOf(req, reply, PERMISSIONS.contactsRead);
    const c = book.get((req.params as { cid: string }).cid);
    if (!c) throw itemNotFound();
    if (!c.data.photo) throw new GraphError(404, "ImageNotFound", "The photo wasn't found.");
    return reply.type("image/png").header("content-length", String(c.data.photo.length)).send(c.data.photo);
  });
  // Setting a photo is a change of the contact (its changeKey moves, delta reports it).
  route("PUT", "/contacts/:cid/photo/$value", async (req, reply) => {
    const { book } = contactsOf(req, reply, PERMISSIONS.contactsWrite);
    const id = (req.params as { cid: string }).cid;
    if (!book.get(id)) throw itemNotFound();
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest("The photo content is empty.");
    if (body.length > 4 * 1024 * 1024) throw new GraphError(413, "ErrorRequestEntityTooLarge", "The photo is larger than 4 MB.");
    book.update(id, (d) => ({ ...d, photo: Buffer.from(body) }));
    return reply.code(200).send();
  });
}
