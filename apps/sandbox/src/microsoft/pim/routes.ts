// Outlook calendar and contacts through Graph v1.0, under /users/{id} and /me (v1.0 tracks
// event changes only on a calendarView; /events/delta is beta and not emulated):
//   GET  …/calendarView/delta?startDateTime=&endDateTime=   event: delta (https://learn.microsoft.com/graph/api/event-delta)
//   GET  …/events, …/events/{id}; POST …/events (restore)
//   GET  …/contactFolders, …/contacts, …/contacts/{id}, …/contactFolders/{id}/contacts
//   GET  …/contacts/delta, …/contactFolders/{id}/contacts/delta  (https://learn.microsoft.com/graph/api/contact-delta)
//   POST …/contacts, …/contactFolders/{id}/contacts (restore); PATCH / DELETE …/contacts/{id}
//   (events, calendarView and recurring series: events.ts)
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
import type { MicrosoftTenant, MicrosoftUser } from "../tenant";
import { contactResource, type ContactData } from "./data";
import { registerEvents } from "./events";
import type { PimChange, PimStore } from "./store";

interface DeltaState {
  k: "e" | "c";
  /** calendarView window [start, end) in ms. */
  w?: [number, number];
  /** Change round since this sequence; absent in the full first round. */
  s?: number;
  u: number;
  /** Position: the last store entry (seq, ord) and how many of its outputs were sent. */
  c?: [number, number, number?];
  n: number;
}
const isState = (v: unknown): v is DeltaState => {
  const s = v as Partial<DeltaState> | null;
  return (s?.k === "e" || s?.k === "c") && typeof s.u === "number" && typeof s.n === "number";
};

const EmailAddress = z.object({ name: z.string().default(""), address: z.string().default("") });
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
export const UpdateContactInput = z.object({ ...CreateContactInput.shape, emailAddresses: z.array(EmailAddress).optional(), businessPhones: z.array(z.string()).optional() });
export type UpdateContactInput = z.infer<typeof UpdateContactInput>;

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What the event routes (events.ts) share with the contact routes here. */
export interface PimKit {
  route: (method: Method, suffix: string, handler: Handler) => void;
  ownerOf: (req: FastifyRequest, reply: FastifyReply, permission: PermissionSet) => { tenant: MicrosoftTenant; user: MicrosoftUser };
  userPath: (req: FastifyRequest) => string;
  parseTime: (raw: string | undefined, name: string) => number;
  delta: <T>(req: FastifyRequest, reply: FastifyReply, kind: "e" | "c", store: PimStore<T>, linkBase: string, expand: (e: PimChange<T>, window: [number, number] | undefined, incremental: boolean) => Record<string, unknown>[], odataType: string) => Promise<unknown>;
  page: <T>(req: FastifyRequest, items: T[], render: (item: T) => Record<string, unknown>, entity: string) => unknown;
  webBase: string;
}

export function registerPim(app: FastifyInstance, ctx: SandboxContext): void {
  const route = (method: Method, suffix: string, handler: Handler) => {
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

  /**
   * One delta round. `expand` turns a store entry into what the client sees: one resource or
   * `@removed` — or, for a series master on a calendarView, one per occurrence in the window —
   * so the cursor records how many outputs of its last entry were sent.
   */
  const delta = async <T>(req: FastifyRequest, reply: FastifyReply, kind: "e" | "c", store: PimStore<T>, linkBase: string, expand: (e: PimChange<T>, window: [number, number] | undefined, incremental: boolean) => Record<string, unknown>[], odataType: string) => {
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
    const [cs, co, ck] = state.c ?? [-1, -1, undefined];
    const value: Record<string, unknown>[] = [];
    let more = false;
    outer: for (const e of store.changes(state.s, state.u, undefined)) {
      if (e.seq < cs || (e.seq === cs && e.ord < co)) continue;
      const outs = expand(e, state.w, state.s !== undefined).map((r) => ({ "@odata.type": odataType, ...r }));
      for (let k = e.seq === cs && e.ord === co ? (ck ?? outs.length) : 0; k < outs.length; k++) {
        if (value.length === size) {
          more = true;
          break outer;
        }
        value.push(outs[k] ?? {});
        state.c = [e.seq, e.ord, k + 1];
      }
    }
    return {
      "@odata.context": `${graphBase(req)}/$metadata#Collection(${odataType.slice("#microsoft.graph.".length)})`,
      ...(more ? { "@odata.nextLink": `${linkBase}?$skiptoken=${encodePageToken(state)}` } : { "@odata.deltaLink": `${linkBase}?$deltatoken=${encodePageToken({ k: kind, u: state.u, n: state.n, ...(state.w ? { w: state.w } : {}) })}` }),
      value,
    };
  };

  const page = <T>(req: FastifyRequest, items: T[], render: (item: T) => Record<string, unknown>, entity: string) => {
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

  registerEvents({ route, ownerOf, userPath, parseTime, delta, page, webBase });

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
      return delta(req, reply, "c", book, `${userPath(req)}${path}/contacts/delta`, (c) => (c.item ? [contactResource(c.item, folderId)] : [{ id: c.id, "@removed": { reason: "deleted" } }]), "#microsoft.graph.contact");
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
  // contact: update (PATCH: the properties given, the photo kept) and delete (204; the next
  // contacts delta round reports `@removed`).
  route("PATCH", "/contacts/:cid", async (req, reply) => {
    const { folderId, book } = contactsOf(req, reply, PERMISSIONS.contactsWrite);
    const id = (req.params as { cid: string }).cid;
    if (!book.get(id)) throw itemNotFound();
    const parsed = UpdateContactInput.safeParse(req.body);
    if (!parsed.success) throw badRequest(`Invalid contact: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`.trim());
    const b = parsed.data;
    const updated = book.update(id, (d) => ({
      ...d,
      ...(b.givenName !== undefined ? { givenName: b.givenName ?? "" } : {}),
      ...(b.surname !== undefined ? { surname: b.surname ?? "" } : {}),
      ...(b.displayName !== undefined ? { displayName: b.displayName ?? "" } : {}),
      ...(b.emailAddresses !== undefined ? { emailAddresses: b.emailAddresses } : {}),
      ...(b.businessPhones !== undefined ? { businessPhones: b.businessPhones } : {}),
      ...(b.mobilePhone !== undefined ? { mobilePhone: b.mobilePhone ?? null } : {}),
      ...(b.companyName !== undefined ? { companyName: b.companyName ?? "" } : {}),
      ...(b.jobTitle !== undefined ? { jobTitle: b.jobTitle ?? "" } : {}),
      ...(b.personalNotes !== undefined ? { personalNotes: b.personalNotes ?? "" } : {}),
    }));
    if (!updated) throw itemNotFound();
    return reply.code(200).send(contactResource(updated, folderId));
  });
  route("DELETE", "/contacts/:cid", async (req, reply) => {
    const { book } = contactsOf(req, reply, PERMISSIONS.contactsWrite);
    if (!book.delete((req.params as { cid: string }).cid)) throw itemNotFound();
    return reply.code(204).send();
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
