// People API v1 (https://developers.google.com/people/api/rest): people.connections.list with
// sync tokens, people.get, people.createContact, people.updateContact, people.deleteContact,
// people.updateContactPhoto / deleteContactPhoto — for `people/me`'s contacts only.
//
// Documented behaviour implemented: `personFields` is required; pageSize 1–1000 (default 100);
// `requestSyncToken=true` puts `nextSyncToken` on the last page; with `syncToken` only contacts
// changed since are returned, deleted ones as a person with `metadata.deleted: true`; an expired
// sync token is 400 FAILED_PRECONDITION with an ErrorInfo of reason EXPIRED_SYNC_TOKEN, after
// which the client must do a full sync. updateContact needs `updatePersonFields` (fields named
// there but absent from the body are cleared) and the person's current etag (top-level `etag` or
// `metadata.sources[].etag`; a stale one is 400 failedPrecondition). `photos[]` carries `url` —
// fetchable without a token, like Google's lh3.googleusercontent.com photo URLs — and
// `default: true` for Google's generated placeholder; updateContactPhoto takes base64
// `photoBytes` (JPEG or PNG) and both photo methods answer `{ person }` (with `personFields`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { baseUrl } from "../../http/base-url";
import { authenticate } from "../auth";
import { GoogleApiError, invalidArgument, notFound } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import { isGoogleTenant } from "../tenant";
import { imageType } from "./photo";
import type { Contact, ContactBook } from "./store";

type Query = Record<string, string | undefined>;

/** Every personFields path the People API documents (people.connections.list); others are a 400. */
const FIELDS = new Set([
  "addresses", "ageRanges", "biographies", "birthdays", "calendarUrls", "clientData", "coverPhotos", "emailAddresses", "events", "externalIds",
  "genders", "imClients", "interests", "locales", "locations", "memberships", "metadata", "miscKeywords", "names", "nicknames", "occupations",
  "organizations", "phoneNumbers", "photos", "relations", "sipAddresses", "skills", "urls", "userDefined",
]);
/**
 * The fields the sandbox keeps; a valid mask naming others is accepted and those fields are simply
 * absent from the answer, as Google omits empty fields (README, People API gaps).
 */
export const MODELLED_FIELDS = new Set(["names", "emailAddresses", "phoneNumbers", "organizations", "metadata", "photos"]);
/** Fields updateContact may change (photos go through updateContactPhoto, as in the API). */
const UPDATABLE = new Set([
  "addresses", "biographies", "birthdays", "calendarUrls", "clientData", "emailAddresses", "events", "externalIds", "genders", "imClients",
  "interests", "locales", "locations", "memberships", "miscKeywords", "names", "nicknames", "occupations", "organizations", "phoneNumbers",
  "relations", "sipAddresses", "urls", "userDefined",
]);
/** Where photos[].url points (registered in both API scopes; URLs name the /google one). */
const PHOTO_PATH = "/people-photos";

function personFields(q: Query): Set<string> {
  const raw = q.personFields ?? q["requestMask.includeField"];
  if (!raw) throw invalidArgument("personFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.");
  const fields = raw.split(",").map((f) => f.trim().replace(/^person\./, ""));
  const bad = fields.find((f) => !FIELDS.has(f));
  if (bad) throw invalidArgument(`Invalid personFields mask path: "${bad}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.`);
  return new Set(fields);
}

export function etag(c: Contact): string {
  return `%Eg${Buffer.from(`${c.id}:${c.version}`).toString("base64url")}`;
}

interface PersonBody {
  etag?: string;
  metadata?: { sources?: { type?: string; etag?: string }[] };
  names?: { givenName?: string; familyName?: string }[];
  emailAddresses?: { value?: string }[];
  phoneNumbers?: { value?: string }[];
  organizations?: { name?: string }[];
}

/** The contact fields a Person body sets, for the given field names. */
function contactFields(body: PersonBody, fields: Iterable<string>): Partial<Pick<Contact, "givenName" | "familyName" | "emails" | "phones" | "organization">> {
  const out: ReturnType<typeof contactFields> = {};
  for (const f of fields) {
    if (f === "names") {
      out.givenName = body.names?.[0]?.givenName ?? "";
      out.familyName = body.names?.[0]?.familyName ?? "";
    } else if (f === "emailAddresses") out.emails = (body.emailAddresses ?? []).map((e) => e.value ?? "").filter(Boolean);
    else if (f === "phoneNumbers") out.phones = (body.phoneNumbers ?? []).map((p) => p.value ?? "").filter(Boolean);
    else if (f === "organizations") out.organization = body.organizations?.[0]?.name;
  }
  return out;
}

type PhotoUrl = (c: Contact) => string;

function person(c: Contact, fields: Set<string>, photoUrl?: PhotoUrl, book?: ContactBook): Record<string, unknown> {
  const src = { type: "CONTACT", id: c.id.slice(1) };
  const out: Record<string, unknown> = { resourceName: `people/${c.id}`, etag: etag(c) };
  if (c.deleted) {
    out.metadata = { sources: [{ ...src, updateTime: new Date(c.updateTime).toISOString() }], deleted: true, objectType: "PERSON" };
    return out;
  }
  if (fields.has("metadata")) out.metadata = { sources: [{ ...src, etag: etag(c), updateTime: new Date(c.updateTime).toISOString() }], objectType: "PERSON" };
  if (fields.has("names")) out.names = [{ metadata: { primary: true, source: src }, displayName: `${c.givenName} ${c.familyName}`, familyName: c.familyName, givenName: c.givenName, displayNameLastFirst: `${c.familyName}, ${c.givenName}` }];
  if (fields.has("emailAddresses") && c.emails.length) out.emailAddresses = c.emails.map((value, i) => ({ metadata: { primary: i === 0, source: src }, value }));
  if (fields.has("phoneNumbers") && c.phones.length) out.phoneNumbers = c.phones.map((value, i) => ({ metadata: { primary: i === 0, source: src }, value }));
  if (fields.has("organizations") && c.organization) out.organizations = [{ metadata: { primary: true, source: src }, name: c.organization }];
  if (fields.has("photos") && photoUrl && book) {
    const isDefault = book.photoOf(c).isDefault;
    out.photos = [{ metadata: { primary: true, source: isDefault ? { type: "PROFILE", id: c.id.slice(1) } : src }, url: photoUrl(c), ...(isDefault ? { default: true } : {}) }];
  }
  return out;
}

/** The documented answer to an expired sync token: the client must list again without it. */
export function expiredSyncToken(): GoogleApiError {
  return new GoogleApiError(400, "Sync token is expired. Clear local cache and retry call without the sync token.", "failedPrecondition", "FAILED_PRECONDITION", {}, [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "EXPIRED_SYNC_TOKEN", domain: "people.googleapis.com" },
  ]);
}

const isPage = (v: unknown): v is { o: number; s?: number } => typeof (v as { o?: unknown })?.o === "number";
const isSync = (v: unknown): v is { p: number } => typeof (v as { p?: unknown })?.p === "number";

export function registerPeople(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply, scopes: readonly string[]) => {
    const c = authenticate(ctx, req, reply, scopes);
    if (!c.user) throw new GoogleApiError(400, "Precondition check failed.", "failedPrecondition", "FAILED_PRECONDITION");
    const book = c.tenant.contacts(c.user);
    const userIndex = c.user.index;
    // Like lh3.googleusercontent.com URLs: opaque, versioned, readable without a token.
    const photoUrl: PhotoUrl = (contact) => `${baseUrl(req)}/google${PHOTO_PATH}/${encodePageToken({ t: c.tenant.id, u: userIndex, c: contact.id, v: contact.version })}`;
    return { c, user: c.user, book, photoUrl };
  };
  const live = (book: ContactBook, id: string | undefined): Contact => {
    const c = id ? book.contacts.get(id) : undefined;
    if (!c || c.deleted) throw notFound();
    return c;
  };
  const action = (personId: string): { id: string; verb: string } => {
    const m = /^(c\d+):(\w+)$/.exec(personId);
    if (!m?.[1] || !m[2]) throw notFound();
    return { id: m[1], verb: m[2] };
  };
  const optionalFields = (q: Query) => (q.personFields ? personFields(q) : undefined);

  // people.connections.list
  app.get("/v1/people/:resourceName/connections", async (req, reply) => {
    const { book, photoUrl } = caller(req, reply, METHOD_SCOPES.contactsRead);
    if ((req.params as { resourceName: string }).resourceName !== "me") throw invalidArgument("Only people/me is valid.");
    const q = req.query as Query;
    const fields = personFields(q);
    const size = q.pageSize === undefined || q.pageSize === "0" ? 100 : Number(q.pageSize);
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw invalidArgument("pageSize must be between 1 and 1000.");
    let from: number | undefined;
    if (q.syncToken) {
      from = decodePageToken(q.syncToken, isSync)?.p;
      if (from === undefined) throw invalidArgument("Invalid sync token.");
    }
    const page = q.pageToken ? decodePageToken(q.pageToken, isPage) : { o: 0 };
    if (!page) throw invalidArgument("Invalid page token.");
    // A page token carries the sync position its listing started from, so paging a sync is stable.
    const since = page.s ?? from;
    const items = since === undefined ? book.live() : book.changedSince(since);
    if (!items) {
      throw expiredSyncToken();
    }
    const start = page.o;
    const slice = items.slice(start, start + size);
    const out: Record<string, unknown> = { connections: slice.map((c) => person(c, fields, photoUrl, book)), totalPeople: items.length, totalItems: items.length };
    if (start + size < items.length) out.nextPageToken = encodePageToken({ o: start + size, ...(since !== undefined ? { s: since } : {}) });
    else if (q.requestSyncToken === "true" || q.syncToken) out.nextSyncToken = encodePageToken({ p: book.syncPosition });
    return out;
  });

  // people.createContact
  app.post("/v1/people::createContact", async (req, reply) => {
    const { book, photoUrl } = caller(req, reply, METHOD_SCOPES.contactsWrite);
    const q = req.query as Query;
    const body = (req.body ?? {}) as PersonBody;
    const name = body.names?.[0];
    const created = book.create({
      givenName: name?.givenName ?? "",
      familyName: name?.familyName ?? "",
      emails: (body.emailAddresses ?? []).map((e) => e.value ?? "").filter(Boolean),
      phones: (body.phoneNumbers ?? []).map((p) => p.value ?? "").filter(Boolean),
      organization: body.organizations?.[0]?.name,
    });
    return person(created, optionalFields(q) ?? new Set(["names", "emailAddresses", "phoneNumbers", "organizations", "metadata"]), photoUrl, book);
  });

  // people.get
  app.get("/v1/people/:personId", async (req, reply) => {
    const { book, photoUrl } = caller(req, reply, METHOD_SCOPES.contactsRead);
    const c = live(book, (req.params as { personId: string }).personId);
    return person(c, personFields(req.query as Query), photoUrl, book);
  });

  // people.updateContact (PATCH …/{id}:updateContact) and people.updateContactPhoto (PATCH …/{id}:updateContactPhoto).
  app.patch("/v1/people/:personId", { bodyLimit: 8 * 1024 * 1024 }, async (req, reply) => {
    const { book, photoUrl } = caller(req, reply, METHOD_SCOPES.contactsWrite);
    const { id, verb } = action((req.params as { personId: string }).personId);
    const q = req.query as Query;
    if (verb === "updateContactPhoto") {
      const body = (req.body ?? {}) as { photoBytes?: string; personFields?: string };
      if (!body.photoBytes) throw invalidArgument("photoBytes is required.");
      const bytes = Buffer.from(body.photoBytes, "base64");
      if (!imageType(bytes)) throw invalidArgument("photoBytes is not a JPEG or PNG image.");
      const c = book.setPhoto(live(book, id).id, bytes);
      if (!c) throw notFound();
      const fields = body.personFields ? personFields({ personFields: body.personFields }) : undefined;
      return fields ? { person: person(c, fields, photoUrl, book) } : {};
    }
    if (verb !== "updateContact") throw notFound();
    const mask = q.updatePersonFields;
    if (!mask) throw invalidArgument("updatePersonFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/updateContact.");
    const update = mask.split(",").map((f) => f.trim().replace(/^person\./, ""));
    const bad = update.find((f) => !UPDATABLE.has(f));
    if (bad) throw invalidArgument(`Invalid updatePersonFields mask path: "${bad}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/updateContact.`);
    const current = live(book, id);
    const body = (req.body ?? {}) as PersonBody;
    const given = body.etag ?? body.metadata?.sources?.find((s) => s.type === undefined || s.type === "CONTACT")?.etag;
    if (!given) throw invalidArgument("Request must set person.etag or person.metadata.sources to indicate which version of the contact is being updated.");
    if (given !== etag(current)) {
      throw new GoogleApiError(400, "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.", "failedPrecondition", "FAILED_PRECONDITION");
    }
    // Only the modelled fields are kept; the others in a valid mask are accepted and not stored.
    const c = book.update(id, contactFields(body, update.filter((f) => MODELLED_FIELDS.has(f))));
    if (!c) throw notFound();
    return person(c, optionalFields(q) ?? new Set(["names", "emailAddresses", "phoneNumbers", "organizations", "metadata"]), photoUrl, book);
  });

  // people.deleteContact (DELETE …/{id}:deleteContact) and people.deleteContactPhoto (DELETE …/{id}:deleteContactPhoto).
  app.delete("/v1/people/:personId", async (req, reply) => {
    const { book, photoUrl } = caller(req, reply, METHOD_SCOPES.contactsWrite);
    const { id, verb } = action((req.params as { personId: string }).personId);
    if (verb === "deleteContactPhoto") {
      const c = book.setPhoto(live(book, id).id, undefined);
      if (!c) throw notFound();
      const fields = optionalFields(req.query as Query);
      return fields ? { person: person(c, fields, photoUrl, book) } : {};
    }
    if (verb !== "deleteContact" || !book.delete(id)) throw notFound();
    return {};
  });

  registerPhotos(app, ctx);
}

/** The photo bytes behind `photos[].url`. */
function registerPhotos(app: FastifyInstance, ctx: SandboxContext): void {
  const isRef = (v: unknown): v is { t: string; u: number; c: string } => typeof (v as { t?: unknown })?.t === "string" && typeof (v as { u?: unknown })?.u === "number" && typeof (v as { c?: unknown })?.c === "string";
  app.get(`${PHOTO_PATH}/:ref`, async (req, reply) => {
    const ref = decodePageToken((req.params as { ref: string }).ref, isRef);
    const tenant = ref ? ctx.tenants.get(ref.t) : undefined;
    const user = ref && tenant && isGoogleTenant(tenant) ? tenant.users.find((u) => u.index === ref.u) : undefined;
    const c = ref && tenant && isGoogleTenant(tenant) && user ? tenant.contacts(user).contacts.get(ref.c) : undefined;
    if (!tenant || !isGoogleTenant(tenant) || !user || !c || c.deleted) return reply.code(404).type("text/plain").send("Not Found");
    const photo = tenant.contacts(user).photoOf(c);
    return reply.type(photo.contentType).header("cache-control", "public, max-age=86400").send(photo.bytes);
  });
}
