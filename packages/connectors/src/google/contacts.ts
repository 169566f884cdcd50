// Contacts: the user's People API connections, one item per person as the People API's person
// JSON (application/json; chosen over vCard because it round-trips through createContact and
// updateContact field by field, where vCard would need a lossy two-way mapping; the export step
// renders VCF from it). Contact photos are not captured yet (their URL is not content).
// - Full sync: people.connections.list with requestSyncToken=true, paged; the last page carries
//   nextSyncToken (https://developers.google.com/people/v1/contacts#sync_the_users_contacts).
// - Incremental: syncToken; `metadata.deleted` → delete; 400 EXPIRED_SYNC_TOKEN → resync_required.
// - Restore: people.createContact; `replace` of a contact that still exists: updateContact.
import type { people_v1 } from "googleapis";
import { ConnectorError, isConnectorError } from "../core/errors";
import { collect } from "../core/stream";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { GoogleApis } from "./api";
import { decodeCursor, encodeCursor, segment } from "./transform";
import { once, subjectOf } from "./units";

interface ContactsCursor extends Record<string, unknown> {
  s?: string;
  p?: string;
  full?: boolean;
}

/** Person fields that are data (not server-assigned) and that createContact/updateContact accept. */
const WRITABLE = ["names", "nicknames", "emailAddresses", "phoneNumbers", "addresses", "organizations", "biographies", "birthdays", "urls", "relations", "events", "userDefined", "occupations", "imClients", "sipAddresses", "locations", "externalIds", "miscKeywords", "interests", "calendarUrls", "clientData"] as const;

export class ContactsConnector implements UnitConnector {
  readonly kind = "contacts" as const;
  readonly #g: GoogleApis;

  constructor(g: GoogleApis) {
    this.#g = g;
  }

  get #fields(): string {
    return this.#g.config.personFields;
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const user = subjectOf(unit, "contacts", this.#g.config.adminEmail);
    const { signal } = options;
    const state: ContactsCursor = cursor === null ? { full: true } : decodeCursor<ContactsCursor>("contacts", cursor);
    const api = this.#g.people(user);
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 200));
    const res = await this.#g.call(
      "people",
      user,
      "connections.list",
      () => api.people.connections.list({ resourceName: "people/me", personFields: this.#fields, pageSize, pageToken: state.p, requestSyncToken: true, ...(state.full ? {} : { syncToken: state.s }) }, { signal }),
      { signal, cursor: !state.full },
    );
    const changes: Change[] = (res.data.connections ?? []).map((p) => (p.metadata?.deleted ? { op: "delete", externalId: p.resourceName ?? "" } : { op: "upsert", item: describePerson(user, p) }));
    const full = state.full === true;
    const next = res.data.nextPageToken ?? undefined;
    if (next) return { changes, cursor: encodeCursor("contacts", { ...(full ? { full: true } : { s: state.s }), p: next }), done: false, full };
    const sync = res.data.nextSyncToken;
    if (!sync) throw new ConnectorError("invalid", "people connections.list ended without nextSyncToken", { provider: "google" });
    return { changes, cursor: encodeCursor("contacts", { s: sync }), done: true, full };
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const user = subjectOf(unit, "contacts", this.#g.config.adminEmail);
    const api = this.#g.people(user);
    const { signal } = options;
    const res = await this.#g.call("people", user, "people.get", () => api.people.get({ resourceName: item.externalId, personFields: this.#fields }, { signal }), { signal });
    const bytes = Buffer.from(JSON.stringify(res.data), "utf8");
    return { body: once(bytes), contentType: "application/json", size: bytes.length };
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    if (item.kind !== "contact") throw new ConnectorError("invalid", `contacts restores contacts, not ${item.kind} items`, { provider: "google" });
    const user = subjectOf(target.unit, "contacts", this.#g.config.adminEmail);
    const { signal } = options;
    let person: people_v1.Schema$Person;
    try {
      person = JSON.parse((await collect(content.body, 8 * 1024 * 1024)).toString("utf8")) as people_v1.Schema$Person;
    } catch {
      throw new ConnectorError("invalid", `contact ${item.externalId}: the backed-up content is not person JSON`, { provider: "google" });
    }
    const body = writableOf(person);
    const api = this.#g.people(user, "write");
    const sameBook = item.metadata.owner === user;
    let existing: people_v1.Schema$Person | undefined;
    if (sameBook) {
      try {
        existing = (await this.#g.call("people", user, "people.get", () => api.people.get({ resourceName: item.externalId, personFields: "metadata" }, { signal }), { signal })).data;
      } catch (e) {
        if (!isConnectorError(e, "not_found")) throw e;
      }
    }
    if (existing?.resourceName) {
      if (target.conflict === "skip") return { outcome: "skipped", externalId: existing.resourceName, reason: "the contact exists" };
      if (target.conflict === "replace") {
        const resourceName = existing.resourceName;
        const etag = existing.etag;
        // Every writable field we back up is named, so one the backup lacks is cleared (the
        // documented updateContact semantics), and the contact ends up as it was.
        const read = new Set(this.#fields.split(","));
        const fields = WRITABLE.filter((f) => read.has(f));
        const res = await this.#g.call(
          "people",
          user,
          "people.updateContact",
          () => api.people.updateContact({ resourceName, updatePersonFields: fields.join(","), requestBody: { ...body, etag } }, { signal }),
          { signal },
        );
        return { outcome: "replaced", externalId: res.data.resourceName ?? resourceName };
      }
    }
    const res = await this.#g.call("people", user, "people.createContact", () => api.people.createContact({ requestBody: body }, { signal }), { signal });
    const id = res.data.resourceName ?? undefined;
    if (existing) return { outcome: "copied", externalId: id, reason: "the contact exists; restored as a second contact" };
    return sameBook ? { outcome: "created", externalId: id } : { outcome: "copied", externalId: id, reason: "restored into another user's contacts" };
  }
}

/** The data fields of a person, without server metadata (ids, etags, sources). Exported for the unit tests. */
export function writableOf(p: people_v1.Schema$Person): people_v1.Schema$Person {
  const out: Record<string, unknown> = {};
  for (const f of WRITABLE) {
    const v: unknown = p[f];
    if (!Array.isArray(v) || v.length === 0) continue;
    out[f] = (v as Record<string, unknown>[]).map((entry) => {
      const { metadata: _m, ...rest } = entry;
      return rest;
    });
  }
  return out;
}

/** A person as an item descriptor. Exported for the unit tests. */
export function describePerson(owner: string, p: people_v1.Schema$Person): ItemDescriptor {
  const name = p.names?.[0]?.displayName ?? ([p.names?.[0]?.givenName, p.names?.[0]?.familyName].filter(Boolean).join(" ") || p.emailAddresses?.[0]?.value || p.resourceName || "(no name)");
  return {
    externalId: p.resourceName ?? "",
    kind: "contact",
    path: `/${segment(name)}`,
    name,
    version: p.etag ?? "",
    modifiedAt: p.metadata?.sources?.find((s) => s.updateTime)?.updateTime ?? undefined,
    hasContent: true,
    metadata: {
      owner,
      displayName: name,
      emails: (p.emailAddresses ?? []).map((e) => e.value).filter((x): x is string => !!x),
      phones: (p.phoneNumbers ?? []).map((e) => e.value).filter((x): x is string => !!x),
      organization: p.organizations?.[0]?.name ?? undefined,
    },
  };
}
