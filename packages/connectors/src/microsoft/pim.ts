// Outlook calendars (`ms-calendar`) and contacts (`ms-contacts`) through Graph v1.0.
//
// Item content is the Graph resource as JSON (application/json), not ICS/vCard: Graph v1.0 has
// no ICS or vCard export, the JSON is what a restore POSTs back, and exports render ICS/VCF from
// it. A contact's photo travels inside it as `@holdfast.photo` (base64), since Graph keeps it apart.
//
// Documented behaviour this implements:
// - event: delta on calendarView (https://learn.microsoft.com/graph/api/event-delta): v1.0 needs
//   a startDateTime/endDateTime window on the first request, which the delta links then carry.
//   The window is `calendarWindow` (default 730 days back, 365 ahead) fixed when a full round
//   starts; it moves forward on the next full enumeration (a resync). calendarView lists single
//   events and the occurrences of series — never the series master — so an occurrence is backed
//   up as its master (GET events/{seriesMasterId}), once per round; a deleted series shows only as
//   `@removed` occurrences, so after a round with removals the known masters are checked.
// - contact: delta on the default contacts folder (https://learn.microsoft.com/graph/api/contact-delta).
//   `/users/{id}/contacts/delta` is the default folder's delta, widely used but documented only
//   as `contactFolders/{id}/contacts/delta`; other contact folders are not enumerated yet.
// - 410 / syncStateNotFound → resync; `Prefer: IdType="ImmutableId"`.
// - Restore: POST events / POST contacts (+ PUT photo/$value); a restored item gets a new id.
//   One still in its mailbox is compared field by field with the backed-up one: unchanged →
//   skipped; changed → `skip` keeps it, `copy` creates the backed-up one beside it, `replace`
//   updates it in place (PATCH; it keeps its id). A restore deletes nothing. The photo is not
//   compared (reading it costs a request per contact); `replace` puts the backed-up one back.
import { ConnectorError, isConnectorError } from "../core/errors";
import { collect } from "../core/stream";
import type { Change, ChangePage, Cursor, DiscoveredUnit, ItemContent, ItemDescriptor, ListChangesOptions, RestoreTarget, UnitConnector, WriteResult } from "../core/types";
import type { MicrosoftConnectorConfig } from "./config";
import { decodePimCursor, encodeCursor, type PimCursor } from "./cursor";
import { mailboxOf, oneChunk } from "./exchange";
import { IMMUTABLE_IDS, userPath, type GraphApi, type GraphPage } from "./graph";
import { contactDescriptor, eventDescriptor, type GraphContact, type GraphEvent } from "./transform";

const DAY_MS = 86_400_000;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const EVENT_FIELDS = ["subject", "body", "start", "end", "location", "isAllDay", "attendees", "recurrence", "importance", "sensitivity", "showAs", "categories", "isReminderOn", "reminderMinutesBeforeStart"] as const;
const CONTACT_FIELDS = ["givenName", "middleName", "surname", "displayName", "nickName", "title", "emailAddresses", "businessPhones", "homePhones", "mobilePhone", "companyName", "department", "jobTitle", "officeLocation", "businessAddress", "homeAddress", "otherAddress", "birthday", "personalNotes", "categories", "imAddresses"] as const;

function toJsonContent(resource: Record<string, unknown>): ItemContent {
  const { "@odata.context": _ctx, ...rest } = resource;
  const bytes = Buffer.from(JSON.stringify(rest), "utf8");
  return { body: oneChunk(bytes), contentType: "application/json", size: bytes.length };
}

async function parseJsonContent(content: ItemContent, what: string): Promise<Record<string, unknown>> {
  const raw = await collect(content.body, MAX_JSON_BYTES);
  try {
    const v = JSON.parse(raw.toString("utf8")) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ConnectorError("invalid", `the backed-up ${what} is not a JSON object`);
}

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (source[f] !== undefined && source[f] !== null) out[f] = source[f];
  return out;
}

abstract class PimConnector implements UnitConnector {
  abstract readonly kind: "ms-calendar" | "ms-contacts";
  protected readonly api: GraphApi;
  protected readonly config: MicrosoftConnectorConfig;

  constructor(api: GraphApi, config: MicrosoftConnectorConfig) {
    this.api = api;
    this.config = config;
  }

  protected abstract firstLink(user: string): string;
  protected abstract collection(user: string): string;
  protected abstract describe(user: string, value: Record<string, unknown>, state: PimCursor, signal?: AbortSignal): Promise<ItemDescriptor | undefined>;
  protected abstract endOfRound(user: string, state: PimCursor, signal?: AbortSignal): Promise<Change[]>;
  protected abstract body(resource: Record<string, unknown>): Record<string, unknown>;
  protected afterCreate(_user: string, _id: string, _resource: Record<string, unknown>, _signal?: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  async listChanges(unit: DiscoveredUnit, cursor: Cursor | null, options: ListChangesOptions = {}): Promise<ChangePage> {
    const user = mailboxOf(unit);
    const pageSize = options.pageSize ?? this.config.pageSize;
    let state: PimCursor;
    if (cursor === null) state = { v: 1, link: this.firstLink(user), done: false, full: true, series: [], listed: [], removals: false };
    else {
      state = decodePimCursor(cursor);
      if (state.done) state = { ...state, done: false, full: false, listed: [], removals: false };
    }
    const page = await this.api.get<GraphPage<Record<string, unknown>>>(this.api.mailbox(user), state.link, { prefer: [`odata.maxpagesize=${pageSize}`, IMMUTABLE_IDS], ...(options.signal ? { signal: options.signal } : {}) });
    const changes: Change[] = [];
    for (const v of page.value) {
      const id = v.id;
      if (typeof id !== "string") continue;
      if (v["@removed"]) {
        changes.push({ op: "delete", externalId: id });
        state.removals = true;
        if (state.series) state.series = state.series.filter((s) => s !== id);
        continue;
      }
      const d = await this.describe(user, v, state, options.signal);
      if (d) changes.push({ op: "upsert", item: d });
    }
    const next = page["@odata.nextLink"];
    const delta = page["@odata.deltaLink"];
    if (next) state.link = next;
    else if (delta) {
      state.link = delta;
      state.done = true;
      changes.push(...(await this.endOfRound(user, state, options.signal)));
      state.listed = [];
    } else throw new ConnectorError("transient", `Graph ended a ${this.kind} delta page without a nextLink or deltaLink`, { provider: "microsoft" });
    return { changes, cursor: encodeCursor(state), done: state.done, full: state.full };
  }

  async readItem(unit: DiscoveredUnit, item: ItemDescriptor, options: { signal?: AbortSignal } = {}): Promise<ItemContent> {
    const user = mailboxOf(unit);
    const resource = await this.api.get<Record<string, unknown>>(this.api.mailbox(user), `${this.collection(user)}/${encodeURIComponent(item.externalId)}`, { prefer: [IMMUTABLE_IDS], ...(options.signal ? { signal: options.signal } : {}) });
    return toJsonContent(await this.enrich(user, item.externalId, resource, options.signal));
  }

  protected enrich(_user: string, _id: string, resource: Record<string, unknown>, _signal?: AbortSignal): Promise<Record<string, unknown>> {
    return Promise.resolve(resource);
  }

  async writeItem(target: RestoreTarget, item: ItemDescriptor, content: ItemContent, options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    const user = mailboxOf(target.unit);
    const signal = options.signal;
    const what = this.kind === "ms-calendar" ? "event" : "contact";
    const resource = await parseJsonContent(content, what);
    const wanted = this.body(resource);
    const sameMailbox = item.metadata.mailbox === user;
    const current = sameMailbox ? await this.#current(user, item.externalId, signal) : undefined;
    if (current) {
      const now = this.body(current);
      if (sameFields(now, wanted)) return { outcome: "skipped", externalId: item.externalId, reason: `the ${what} is in place, unchanged` };
      const since = `the ${what} was changed since`;
      if (target.conflict === "skip") return { outcome: "skipped", externalId: item.externalId, reason: `${since}; kept as it is` };
      if (target.conflict === "replace") {
        // The same item gets the backed-up fields back (event / contact: update): it keeps its id,
        // and fields the backed-up one did not have are cleared.
        const patch: Record<string, unknown> = { ...wanted };
        for (const k of Object.keys(now)) if (!(k in wanted)) patch[k] = null;
        await this.api.run(this.api.mailbox(user), (c) => this.api.request(c, `${this.collection(user)}/${encodeURIComponent(item.externalId)}`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }).patch(patch) as Promise<unknown>, signal);
        await this.afterCreate(user, item.externalId, resource, signal);
        return { outcome: "replaced", externalId: item.externalId, reason: since };
      }
    }
    const created = await this.api.run(this.api.mailbox(user), (c) => this.api.request(c, this.collection(user), { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) }).post(wanted) as Promise<{ id: string }>, signal);
    await this.afterCreate(user, created.id, resource, signal);
    if (current) return { outcome: "copied", externalId: created.id, reason: `the ${what} was changed since; restored next to it` };
    return sameMailbox ? { outcome: "created", externalId: created.id } : { outcome: "copied", externalId: created.id, reason: "restored to another mailbox" };
  }

  /** The item as the mailbox has it now, or undefined when it is gone. */
  async #current(user: string, id: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.api.get<Record<string, unknown>>(this.api.mailbox(user), `${this.collection(user)}/${encodeURIComponent(id)}`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) });
    } catch (e) {
      if (isConnectorError(e, "not_found")) return undefined;
      throw e;
    }
  }
}

/** The restorable fields of two resources are equal (JSON with sorted keys: key order is not content). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v as Record<string, unknown>).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export class CalendarConnector extends PimConnector {
  readonly kind = "ms-calendar" as const;
  readonly #now: () => number;

  constructor(api: GraphApi, config: MicrosoftConnectorConfig, now: () => number = Date.now) {
    super(api, config);
    this.#now = now;
  }

  protected firstLink(user: string): string {
    const now = this.#now();
    const start = new Date(now - this.config.calendarWindow.pastDays * DAY_MS).toISOString();
    const end = new Date(now + this.config.calendarWindow.futureDays * DAY_MS).toISOString();
    return `${userPath(user)}/calendarView/delta?startDateTime=${encodeURIComponent(start)}&endDateTime=${encodeURIComponent(end)}`;
  }

  protected collection(user: string): string {
    return `${userPath(user)}/events`;
  }

  protected async describe(user: string, v: Record<string, unknown>, state: PimCursor, signal?: AbortSignal): Promise<ItemDescriptor | undefined> {
    const e = v as unknown as GraphEvent;
    if (e.type === "occurrence" || e.type === "exception") {
      const masterId = e.seriesMasterId;
      if (!masterId) return eventDescriptor(e, "Calendar", user);
      if (state.listed?.includes(masterId)) return undefined;
      let master: GraphEvent;
      try {
        master = await this.api.get<GraphEvent>(this.api.mailbox(user), `${this.collection(user)}/${encodeURIComponent(masterId)}?$select=id,subject,changeKey,lastModifiedDateTime,start,end,organizer,attendees,location,iCalUId,isAllDay,type`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) });
      } catch (err) {
        // The series went away between the page and this read: its removal arrives in a later round.
        if (isConnectorError(err, "not_found")) return undefined;
        throw err;
      }
      state.listed = [...(state.listed ?? []), masterId];
      if (!state.series?.includes(masterId)) state.series = [...(state.series ?? []), masterId];
      return eventDescriptor(master, "Calendar", user);
    }
    if (e.type === "seriesMaster") {
      state.listed = [...(state.listed ?? []), e.id];
      if (!state.series?.includes(e.id)) state.series = [...(state.series ?? []), e.id];
    }
    return eventDescriptor(e, "Calendar", user);
  }

  protected async endOfRound(user: string, state: PimCursor, signal?: AbortSignal): Promise<Change[]> {
    if (state.full || !state.removals) return [];
    const gone: Change[] = [];
    for (const id of state.series ?? []) {
      if (state.listed?.includes(id)) continue;
      try {
        await this.api.get(this.api.mailbox(user), `${this.collection(user)}/${encodeURIComponent(id)}?$select=id`, { prefer: [IMMUTABLE_IDS], ...(signal ? { signal } : {}) });
      } catch (e) {
        if (!isConnectorError(e, "not_found")) throw e;
        gone.push({ op: "delete", externalId: id });
      }
    }
    const goneIds = new Set(gone.map((g) => (g.op === "delete" ? g.externalId : "")));
    state.series = (state.series ?? []).filter((s) => !goneIds.has(s));
    return gone;
  }

  protected body(resource: Record<string, unknown>): Record<string, unknown> {
    const out = pick(resource, EVENT_FIELDS);
    if (resource.type !== "seriesMaster") delete out.recurrence;
    return out;
  }
}

export class ContactsConnector extends PimConnector {
  readonly kind = "ms-contacts" as const;

  protected firstLink(user: string): string {
    return `${userPath(user)}/contacts/delta`;
  }

  protected collection(user: string): string {
    return `${userPath(user)}/contacts`;
  }

  protected describe(user: string, v: Record<string, unknown>): Promise<ItemDescriptor | undefined> {
    return Promise.resolve(contactDescriptor(v as unknown as GraphContact, "Contacts", user));
  }

  protected endOfRound(): Promise<Change[]> {
    return Promise.resolve([]);
  }

  protected override async enrich(user: string, id: string, resource: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    // contact: the photo (profilePhoto $value); 404 ImageNotFound = none.
    try {
      const photo = await this.api.run(
        this.api.mailbox(user),
        async (c) => {
          const res = await this.api.raw(c, (cl) => this.api.request(cl, `${this.collection(user)}/${encodeURIComponent(id)}/photo/$value`, signal ? { signal } : {}));
          return { contentType: res.headers.get("content-type") ?? "image/jpeg", bytes: Buffer.from(await res.arrayBuffer()) };
        },
        signal,
      );
      return { ...resource, "@holdfast.photo": { contentType: photo.contentType, contentBase64: photo.bytes.toString("base64") } };
    } catch (e) {
      if (isConnectorError(e, "not_found")) return resource;
      throw e;
    }
  }

  protected body(resource: Record<string, unknown>): Record<string, unknown> {
    return pick(resource, CONTACT_FIELDS);
  }

  protected override async afterCreate(user: string, id: string, resource: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    const photo = resource["@holdfast.photo"] as { contentType?: unknown; contentBase64?: unknown } | undefined;
    if (!photo || typeof photo.contentBase64 !== "string") return;
    const bytes = Buffer.from(photo.contentBase64, "base64");
    await this.api.run(
      this.api.mailbox(user),
      async (c) => {
        await this.api.raw(c, (cl) => this.api.request(cl, `${this.collection(user)}/${encodeURIComponent(id)}/photo/$value`, signal ? { signal } : {}).header("Content-Type", typeof photo.contentType === "string" ? photo.contentType : "image/jpeg"), "put", bytes);
      },
      signal,
    );
  }
}
