// People API v1 (https://developers.google.com/people/api/rest): people.connections.list with
// sync tokens, people.get, people.createContact, people.deleteContact — for `people/me` only.
//
// Documented behaviour implemented: `personFields` is required; pageSize 1–1000 (default 100);
// `requestSyncToken=true` puts `nextSyncToken` on the last page; with `syncToken` only contacts
// changed since are returned, deleted ones as a person with `metadata.deleted: true`; an expired
// sync token is 400 FAILED_PRECONDITION with an ErrorInfo of reason EXPIRED_SYNC_TOKEN, after
// which the client must do a full sync.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { authenticate } from "../auth";
import { GoogleApiError, invalidArgument, notFound } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import type { Contact } from "./store";

type Query = Record<string, string | undefined>;

const FIELDS = new Set(["names", "emailAddresses", "phoneNumbers", "organizations", "metadata"]);

function personFields(q: Query): Set<string> {
  const raw = q.personFields ?? q["requestMask.includeField"];
  if (!raw) throw invalidArgument("personFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.");
  const fields = raw.split(",").map((f) => f.trim().replace(/^person\./, ""));
  const bad = fields.find((f) => !FIELDS.has(f));
  if (bad) throw invalidArgument(`Invalid personFields mask path: "${bad}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.`);
  return new Set(fields);
}

function etag(c: Contact): string {
  return `%Eg${Buffer.from(`${c.id}:${c.version}`).toString("base64url")}`;
}

function person(c: Contact, fields: Set<string>): Record<string, unknown> {
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
  return out;
}

const isPage = (v: unknown): v is { o: number; s?: number } => typeof (v as { o?: unknown })?.o === "number";
const isSync = (v: unknown): v is { p: number } => typeof (v as { p?: unknown })?.p === "number";

export function registerPeople(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply, scopes: readonly string[]) => {
    const c = authenticate(ctx, req, reply, scopes);
    if (!c.user) throw new GoogleApiError(400, "Precondition check failed.", "failedPrecondition", "FAILED_PRECONDITION");
    return { c, user: c.user, book: c.tenant.contacts(c.user) };
  };

  // people.connections.list
  app.get("/v1/people/:resourceName/connections", async (req, reply) => {
    const { book } = caller(req, reply, METHOD_SCOPES.contactsRead);
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
      throw new GoogleApiError(400, "Sync token is expired. Clear local cache and retry call without the sync token.", "failedPrecondition", "FAILED_PRECONDITION", {}, [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "EXPIRED_SYNC_TOKEN", domain: "people.googleapis.com" },
      ]);
    }
    const start = page.o;
    const slice = items.slice(start, start + size);
    const out: Record<string, unknown> = { connections: slice.map((c) => person(c, fields)), totalPeople: items.length, totalItems: items.length };
    if (start + size < items.length) out.nextPageToken = encodePageToken({ o: start + size, ...(since !== undefined ? { s: since } : {}) });
    else if (q.requestSyncToken === "true" || q.syncToken) out.nextSyncToken = encodePageToken({ p: book.syncPosition });
    return out;
  });

  // people.createContact
  app.post("/v1/people::createContact", async (req, reply) => {
    const { book } = caller(req, reply, METHOD_SCOPES.contactsWrite);
    const q = req.query as Query;
    const body = (req.body ?? {}) as { names?: { givenName?: string; familyName?: string }[]; emailAddresses?: { value?: string }[]; phoneNumbers?: { value?: string }[]; organizations?: { name?: string }[] };
    const name = body.names?.[0];
    const created = book.create({
      givenName: name?.givenName ?? "",
      familyName: name?.familyName ?? "",
      emails: (body.emailAddresses ?? []).map((e) => e.value ?? "").filter(Boolean),
      phones: (body.phoneNumbers ?? []).map((p) => p.value ?? "").filter(Boolean),
      organization: body.organizations?.[0]?.name,
    });
    return person(created, q.personFields ? personFields(q) : new Set(["names", "emailAddresses", "phoneNumbers", "organizations", "metadata"]));
  });

  // people.get and people.deleteContact (DELETE /v1/people/{id}:deleteContact).
  app.get("/v1/people/:personId", async (req, reply) => {
    const { book } = caller(req, reply, METHOD_SCOPES.contactsRead);
    const c = book.contacts.get((req.params as { personId: string }).personId);
    if (!c || c.deleted) throw notFound();
    return person(c, personFields(req.query as Query));
  });
  app.delete("/v1/people/:personId", async (req, reply) => {
    const { book } = caller(req, reply, METHOD_SCOPES.contactsWrite);
    const m = /^(c\d+):deleteContact$/.exec((req.params as { personId: string }).personId);
    if (!m?.[1]) throw notFound();
    if (!book.delete(m[1])) throw notFound();
    return {};
  });
}
