// Calendar and Contacts against the in-process sandbox: full and incremental enumeration checked
// against the manifest's canonical hashes, resync after expire-history, restore and conflicts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../core/errors";
import type { DiscoveredUnit, ItemDescriptor, UnitConnector } from "../core/types";
import { bytesOf, drain, startGoogleSandbox, type GoogleSandbox } from "./test-sandbox";
import { sha256Hex } from "./transform";
import { once } from "./units";

interface Manifest {
  calendars: { id: string; email: string; primary: boolean; items: { id: string; sha256: string }[] }[];
  contacts: { email: string; items: { id: string; sha256: string }[] }[];
}

let sb: GoogleSandbox;
let units: DiscoveredUnit[];
let calendar: UnitConnector;
let contacts: UnitConnector;

const manifest = () => sb.control<Manifest>("GET", `/_control/tenants/${sb.tenant.id}/manifest`);
const primary = (m: Manifest, email: string) => m.calendars.find((c) => c.email === email && c.primary)?.items ?? [];
const book = (m: Manifest, email: string) => m.contacts.find((c) => c.email === email)?.items ?? [];
const unitOf = (kind: string, i: number): DiscoveredUnit => {
  const u = units.find((x) => x.kind === kind && x.owner?.email === sb.tenant.units[i]?.email);
  if (!u) throw new Error(`no ${kind} unit for user ${i}`);
  return u;
};
const upserts = (changes: { op: string }[]) => changes.flatMap((c) => ("item" in c ? [(c as { item: ItemDescriptor }).item] : []));
const deletes = (changes: { op: string }[]) => changes.flatMap((c) => ("externalId" in c ? [(c as { externalId: string }).externalId] : []));

/** The sandbox's canonical event form (apps/sandbox calendar/store.ts canonicalEvent), from the API JSON. */
function canonicalEvent(json: Buffer): string {
  const e = JSON.parse(json.toString("utf8")) as Record<string, unknown>;
  return JSON.stringify({ summary: e.summary, description: e.description ?? null, location: e.location ?? null, start: e.start, end: e.end, recurrence: e.recurrence ?? null, attendees: e.attendees ?? null });
}
/** The sandbox's canonical contact form (apps/sandbox people/store.ts canonicalContact), from person JSON. */
function canonicalContact(json: Buffer): string {
  const p = JSON.parse(json.toString("utf8")) as { names?: { givenName?: string; familyName?: string }[]; emailAddresses?: { value: string }[]; phoneNumbers?: { value: string }[]; organizations?: { name?: string }[] };
  return JSON.stringify({
    givenName: p.names?.[0]?.givenName ?? "",
    familyName: p.names?.[0]?.familyName ?? "",
    emails: (p.emailAddresses ?? []).map((e) => e.value),
    phones: (p.phoneNumbers ?? []).map((e) => e.value),
    organization: p.organizations?.[0]?.name ?? null,
  });
}

beforeAll(async () => {
  sb = await startGoogleSandbox({ seed: 503, users: 2, itemsPerUser: 20, eventsPerUser: 20, driveFilesPerUser: 5 });
  // The sandbox's People API knows only these person fields (README "People API gaps").
  // It emulates no People quota either, so the test does not wait on the real 90 reads/min.
  const connector = sb.connect({ personFields: "names,emailAddresses,phoneNumbers,organizations,metadata", peopleRequestsPerUserPerMinute: 6000 });
  units = await connector.discover();
  calendar = connector.unit("calendar");
  contacts = connector.unit("contacts");
});
afterAll(() => sb.close());

describe("calendar", () => {
  it("enumerates the primary calendar (series unexpanded) and each event hashes as the manifest says", async () => {
    const unit = unitOf("calendar", 0);
    const truth = primary(await manifest(), unit.owner?.email ?? "");
    const { changes, full } = await drain(calendar, unit, null);
    expect(full).toBe(true);
    const items = upserts(changes);
    expect(items.map((i) => i.externalId).sort()).toEqual(truth.map((t) => t.id).sort());
    for (const item of items) {
      const c = await calendar.readItem(unit, item);
      expect(c.contentType).toBe("application/json");
      expect(sha256Hex(canonicalEvent(await bytesOf(c)))).toBe(truth.find((t) => t.id === item.externalId)?.sha256);
    }
  });

  it("lists exactly the touched events after mutations, and resyncs after expire-history", async () => {
    const unit = unitOf("calendar", 1);
    const email = unit.owner?.email ?? "";
    const before = await drain(calendar, unit, null);
    expect((await drain(calendar, unit, before.cursor)).changes).toEqual([]);
    const calendarId = (await manifest()).calendars.find((c) => c.email === email && c.primary)?.id;
    const touched: { id: string; action: string; calendarId: string }[] = [];
    for (const kind of ["edit", "move", "delete", "create"]) {
      const r = await sb.control<{ touched: { id: string; action: string; calendarId: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind, service: "calendar", fraction: 0.2, seed: 4, units: [email] });
      touched.push(...r.touched.filter((t) => t.calendarId === calendarId));
    }
    const after = await drain(calendar, unit, before.cursor);
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deletes(after.changes).sort()).toEqual([...new Set(deleted)].sort());
    expect(upserts(after.changes).map((i) => i.externalId).sort()).toEqual([...new Set(touched.filter((t) => !deleted.includes(t.id)).map((t) => t.id))].sort());

    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/expire-history`, { units: [email] });
    const err = await calendar.listChanges(unit, after.cursor).catch((e: unknown) => e);
    expect(isConnectorError(err, "resync_required")).toBe(true);
    expect(upserts((await drain(calendar, unit, null)).changes).length).toBe(primary(await manifest(), email).length);
  });

  it("restores deleted events so the manifest holds them again, and skips one that exists", async () => {
    const unit = unitOf("calendar", 0);
    const email = unit.owner?.email ?? "";
    const items = upserts((await drain(calendar, unit, null)).changes);
    const saved = new Map<string, Buffer>();
    for (const item of items) saved.set(item.externalId, await bytesOf(await calendar.readItem(unit, item)));
    const before = primary(await manifest(), email).map((t) => t.sha256).sort();
    const calendarId = (await manifest()).calendars.find((c) => c.email === email && c.primary)?.id;
    const r = await sb.control<{ touched: { id: string; action: string; calendarId: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", service: "calendar", fraction: 0.3, seed: 8, units: [email] });
    const gone = r.touched.filter((t) => t.calendarId === calendarId).map((t) => t.id);
    expect(gone.length).toBeGreaterThan(0);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored" };
    for (const id of gone) {
      const item = items.find((i) => i.externalId === id);
      const bytes = saved.get(id);
      if (!item || !bytes) throw new Error(`no backup of ${id}`);
      expect((await calendar.writeItem(target, item, { body: once(bytes), contentType: "application/json" })).outcome).toBe("created");
    }
    expect(primary(await manifest(), email).map((t) => t.sha256).sort()).toEqual(before);
    const present = items.find((i) => !gone.includes(i.externalId));
    if (!present) throw new Error("no surviving event");
    const bytes = saved.get(present.externalId) ?? Buffer.alloc(0);
    expect(await calendar.writeItem(target, present, { body: once(bytes), contentType: "application/json" })).toMatchObject({ outcome: "skipped", externalId: present.externalId });
    const copy = await calendar.writeItem({ ...target, conflict: "copy" }, present, { body: once(bytes), contentType: "application/json" });
    expect(copy.outcome).toBe("copied");
    expect(primary(await manifest(), email).filter((t) => t.sha256 === sha256Hex(canonicalEvent(bytes))).length).toBe(2);
  });
});

describe("contacts", () => {
  it("enumerates the connections and each person hashes as the manifest says; incremental and resync", async () => {
    const unit = unitOf("contacts", 0);
    const email = unit.owner?.email ?? "";
    const truth = book(await manifest(), email);
    expect(truth.length).toBe(20);
    const first = await drain(contacts, unit, null);
    const items = upserts(first.changes);
    expect(items.map((i) => i.externalId).sort()).toEqual(truth.map((t) => t.id).sort());
    for (const item of items) {
      const c = await contacts.readItem(unit, item);
      expect(sha256Hex(canonicalContact(await bytesOf(c)))).toBe(truth.find((t) => t.id === item.externalId)?.sha256);
    }
    expect((await drain(contacts, unit, first.cursor)).changes).toEqual([]);

    const touched: { id: string; action: string }[] = [];
    for (const kind of ["edit", "delete", "create"]) {
      touched.push(...(await sb.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind, service: "contacts", fraction: 0.2, seed: 6, units: [email] })).touched);
    }
    const after = await drain(contacts, unit, first.cursor);
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    expect(deletes(after.changes).sort()).toEqual(deleted.sort());
    expect(upserts(after.changes).map((i) => i.externalId).sort()).toEqual(touched.filter((t) => !deleted.includes(t.id)).map((t) => t.id).sort());

    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/expire-history`, { units: [email] });
    const err = await contacts.listChanges(unit, after.cursor).catch((e: unknown) => e);
    expect(isConnectorError(err, "resync_required")).toBe(true);
    expect(upserts((await drain(contacts, unit, null)).changes).length).toBe(book(await manifest(), email).length);
  });

  it("restores deleted contacts with the same content, and honours skip and replace", async () => {
    const unit = unitOf("contacts", 1);
    const email = unit.owner?.email ?? "";
    const items = upserts((await drain(contacts, unit, null)).changes);
    const saved = new Map<string, Buffer>();
    for (const item of items) saved.set(item.externalId, await bytesOf(await contacts.readItem(unit, item)));
    const before = book(await manifest(), email).map((t) => t.sha256).sort();
    const r = await sb.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", service: "contacts", fraction: 0.25, seed: 2, units: [email] });
    expect(r.touched.length).toBeGreaterThan(0);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored" };
    for (const t of r.touched) {
      const item = items.find((i) => i.externalId === t.id);
      const bytes = saved.get(t.id);
      if (!item || !bytes) throw new Error(`no backup of ${t.id}`);
      expect((await contacts.writeItem(target, item, { body: once(bytes), contentType: "application/json" })).outcome).toBe("created");
    }
    expect(book(await manifest(), email).map((t) => t.sha256).sort()).toEqual(before);

    // Edited after the backup: skip keeps the edit, replace brings the backed-up fields back.
    const edit = await sb.control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "edit", service: "contacts", fraction: 0.3, seed: 12, units: [email] });
    const victim = items.find((i) => edit.touched.some((t) => t.id === i.externalId));
    if (!victim) throw new Error("no edited contact");
    const bytes = saved.get(victim.externalId) ?? Buffer.alloc(0);
    expect(await contacts.writeItem(target, victim, { body: once(bytes), contentType: "application/json" })).toMatchObject({ outcome: "skipped" });
    const shaOf = async () => book(await manifest(), email).find((t) => t.id === victim.externalId)?.sha256;
    expect(await shaOf()).not.toBe(sha256Hex(canonicalContact(bytes)));
    expect(await contacts.writeItem({ ...target, conflict: "replace" }, victim, { body: once(bytes), contentType: "application/json" })).toMatchObject({ outcome: "replaced", externalId: victim.externalId });
    expect(await shaOf()).toBe(sha256Hex(canonicalContact(bytes)));
  });

  it("restores into another user's calendar and contacts as copies with the same content", async () => {
    const [calFrom, calTo] = [unitOf("calendar", 0), unitOf("calendar", 1)];
    const event = upserts((await drain(calendar, calFrom, null)).changes)[0];
    if (!event) throw new Error("no event");
    const eventBytes = await bytesOf(await calendar.readItem(calFrom, event));
    const e = await calendar.writeItem({ unit: calTo, conflict: "skip", copyFolder: "Restored" }, event, { body: once(eventBytes), contentType: "application/json" });
    expect(e.outcome).toBe("copied");
    expect(primary(await manifest(), calTo.owner?.email ?? "").find((t) => t.id === e.externalId)?.sha256).toBe(sha256Hex(canonicalEvent(eventBytes)));

    const [conFrom, conTo] = [unitOf("contacts", 0), unitOf("contacts", 1)];
    const person = upserts((await drain(contacts, conFrom, null)).changes)[0];
    if (!person) throw new Error("no contact");
    const personBytes = await bytesOf(await contacts.readItem(conFrom, person));
    const p = await contacts.writeItem({ unit: conTo, conflict: "skip", copyFolder: "Restored" }, person, { body: once(personBytes), contentType: "application/json" });
    expect(p.outcome).toBe("copied");
    expect(book(await manifest(), conTo.owner?.email ?? "").find((t) => t.id === p.externalId)?.sha256).toBe(sha256Hex(canonicalContact(personBytes)));
  });
});
