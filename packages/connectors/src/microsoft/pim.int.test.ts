// Outlook calendar and contacts against the in-process sandbox: full delta enumeration (series
// backed up as their masters) checked against the manifest's canonical SHA-256 of each event and
// contact, incremental rounds after mutations, 410 → resync_required, and restores.
import { createHash } from "node:crypto";
import { drain as drainAll } from "../test-support/drain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../core/errors";
import type { Change, DiscoveredUnit, ItemDescriptor, SourceConnector, UnitConnector } from "../core/types";
import { contentOf, sha256Of, startMicrosoftSandbox, type MsHarness } from "./sandbox-harness";

const drain = (c: UnitConnector, unit: DiscoveredUnit, cursor: string | null, pageSize = 10) => drainAll(c, unit, cursor, pageSize);

let h: MsHarness;
let source: SourceConnector;
let calendar: UnitConnector;
let contacts: UnitConnector;
let units: DiscoveredUnit[];

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const ms = (t: { dateTime: string }) => Date.parse(`${t.dateTime.replace(/(\.\d{3})\d+/, "$1")}Z`);
interface EventJson {
  subject: string;
  body: { contentType: string; content: string };
  location: { displayName: string };
  start: { dateTime: string };
  end: { dateTime: string };
  isAllDay: boolean;
  attendees: { emailAddress: { name: string; address: string } }[];
  type: string;
  recurrence: unknown;
}
/** The sandbox's canonical event digest (pim/data.ts eventDigest), from the backed-up JSON. */
const eventDigest = (e: EventJson) =>
  sha(JSON.stringify({ subject: e.subject, body: { contentType: e.body.contentType, content: e.body.content }, location: e.location.displayName, start: ms(e.start), end: ms(e.end), isAllDay: e.isAllDay, attendees: e.attendees.map((a) => ({ name: a.emailAddress.name, address: a.emailAddress.address })), ...(e.type === "seriesMaster" && e.recurrence ? { recurrence: e.recurrence } : {}) }));
const contactDigest = (c: Record<string, unknown>) =>
  sha(JSON.stringify({ givenName: c.givenName, surname: c.surname, displayName: c.displayName, emailAddresses: c.emailAddresses, businessPhones: c.businessPhones, mobilePhone: c.mobilePhone, companyName: c.companyName, jobTitle: c.jobTitle, personalNotes: c.personalNotes }));

const upserts = (cs: Change[]) => cs.flatMap((c) => (c.op === "upsert" ? [c.item] : []));
const deletes = (cs: Change[]) => cs.flatMap((c) => (c.op === "delete" ? [c.externalId] : []));
const unitOf = (kind: string, i: number) => units.find((u) => u.kind === kind && u.owner?.email === h.tenant.units[i]!.email)!;
const truth = async (i: number) => (await h.manifest()).units.find((u) => u.email === h.tenant.units[i]!.email)!;
async function readJson<T>(connector: UnitConnector, unit: DiscoveredUnit, item: ItemDescriptor): Promise<{ json: T; bytes: Buffer }> {
  const content = await connector.readItem(unit, item);
  expect(content.contentType).toBe("application/json");
  const { bytes } = await sha256Of(content);
  return { json: JSON.parse(bytes.toString("utf8")) as T, bytes };
}
async function mutate(kind: string, fraction: number, seed: number, i: number, service: "calendar" | "contacts") {
  const r = await h.control<{ touched: { id: string; action: string; service?: string }[] }>("POST", `/_control/tenants/${h.tenant.id}/mutations`, { kind, fraction, seed, units: [h.tenant.units[i]!.id] });
  expect(r.status).toBe(200);
  return r.body.touched.filter((t) => t.service === service);
}

beforeAll(async () => {
  h = await startMicrosoftSandbox({ seed: 97, users: 2, itemsPerUser: 24 });
  // The seeded calendar spans 2024-07 … 2025-06: a window wide enough for it from today.
  source = h.connector({ calendarWindow: { pastDays: 1000, futureDays: 60 } });
  calendar = source.unit("ms-calendar");
  contacts = source.unit("ms-contacts");
  units = await source.discover();
});
afterAll(() => h?.close());

describe("calendar", () => {
  it("lists every event once (series as their masters) and each backed-up JSON reproduces the manifest digest", async () => {
    const unit = unitOf("ms-calendar", 0);
    const events = (await truth(0)).calendar.items;
    const run = await drain(calendar, unit, null);
    expect(run.full).toBe(true);
    const listed = upserts(run.changes);
    expect(listed.map((e) => e.externalId).sort()).toEqual(events.map((e) => e.id).sort());
    const types = new Set<string>();
    for (const e of listed) {
      const { json } = await readJson<EventJson>(calendar, unit, e);
      types.add(json.type);
      expect(eventDigest(json)).toBe(events.find((x) => x.id === e.externalId)?.sha256);
    }
    expect([...types].sort()).toEqual(["seriesMaster", "singleInstance"]);
  });

  it("after edits, moves, deletes and new events lists exactly the touched events; 410 → resync_required", async () => {
    const unit = unitOf("ms-calendar", 1);
    const first = await drain(calendar, unit, null);
    const known = new Set(upserts(first.changes).map((e) => e.externalId));
    const touched = [...(await mutate("edit", 0.2, 1, 1, "calendar")), ...(await mutate("move", 0.2, 2, 1, "calendar")), ...(await mutate("delete", 0.2, 3, 1, "calendar")), ...(await mutate("create", 0.1, 4, 1, "calendar"))];
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    const next = await drain(calendar, unit, first.cursor);
    expect(next.full).toBe(false);
    // Deletions of ids the backup never held (occurrences of a deleted series) are no-ops for the catalogue.
    expect(deletes(next.changes).filter((id) => known.has(id)).sort()).toEqual([...new Set(deleted)].sort());
    expect([...new Set(upserts(next.changes).map((e) => e.externalId))].sort()).toEqual([...new Set(touched.filter((t) => !deleted.includes(t.id)).map((t) => t.id))].sort());

    expect((await h.control("POST", `/_control/tenants/${h.tenant.id}/expire-history`, {})).status).toBe(200);
    const err = await calendar.listChanges(unit, next.cursor).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectorError(err, "resync_required")).toBe(true);
  });

  it("restores deleted events with the same content, skips unchanged ones, and replace updates a changed one in place", async () => {
    const unit = unitOf("ms-calendar", 0);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const e of upserts((await drain(calendar, unit, null)).changes)) backup.set(e.externalId, { item: e, bytes: (await readJson(calendar, unit, e)).bytes });
    const before = (await truth(0)).calendar.items.map((e) => e.sha256).sort();
    const gone = (await mutate("delete", 0.3, 5, 0, "calendar")).map((t) => t.id);
    expect(gone.length).toBeGreaterThan(0);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored" };
    for (const id of gone) {
      const b = backup.get(id)!;
      expect((await calendar.writeItem(target, b.item, contentOf(b.bytes, "application/json"))).outcome).toBe("created");
    }
    expect(gone.some((id) => (JSON.parse(backup.get(id)!.bytes.toString("utf8")) as EventJson).type === "seriesMaster")).toBe(true);
    expect((await truth(0)).calendar.items.map((e) => e.sha256).sort()).toEqual(before);
    const still = [...backup.values()].find((b) => !gone.includes(b.item.externalId))!;
    expect(await calendar.writeItem(target, still.item, contentOf(still.bytes, "application/json"))).toMatchObject({ outcome: "skipped", reason: "the event is in place, unchanged" });

    // Changed since (the ransomware overwrote subject, body and location): skip keeps it; replace updates the same event back.
    const prior = new Map((await truth(0)).calendar.items.map((e) => [e.id, e.sha256]));
    const hit = (await mutate("ransomware", 0.3, 6, 0, "calendar")).map((t) => t.id).filter((id) => backup.has(id) && !gone.includes(id));
    expect(hit.length).toBeGreaterThan(0);
    for (const id of hit) {
      const b = backup.get(id)!;
      expect(await calendar.writeItem(target, b.item, contentOf(b.bytes, "application/json"))).toMatchObject({ outcome: "skipped", reason: "the event was changed since; kept as it is" });
      expect(await calendar.writeItem({ ...target, conflict: "replace" }, b.item, contentOf(b.bytes, "application/json"))).toMatchObject({ outcome: "replaced", externalId: id });
    }
    const after = new Map((await truth(0)).calendar.items.map((e) => [e.id, e.sha256]));
    expect(hit.map((id) => after.get(id))).toEqual(hit.map((id) => prior.get(id)));
  });
});

describe("contacts", () => {
  it("lists every contact and each backed-up JSON reproduces the manifest digest", async () => {
    const unit = unitOf("ms-contacts", 0);
    const people = (await truth(0)).contacts.items;
    const run = await drain(contacts, unit, null);
    expect(run.full).toBe(true);
    const listed = upserts(run.changes);
    expect(listed.map((c) => c.externalId).sort()).toEqual(people.map((c) => c.id).sort());
    for (const c of listed) {
      const { json } = await readJson<Record<string, unknown>>(contacts, unit, c);
      const t = people.find((x) => x.id === c.externalId) as { sha256: string; photoSha256?: string };
      expect(contactDigest(json)).toBe(t.sha256);
      const photo = json["@holdfast.photo"] as { contentBase64: string } | undefined;
      expect(photo ? sha(Buffer.from(photo.contentBase64, "base64")) : undefined).toBe(t.photoSha256);
    }
  });

  it("incremental after mutations, then restores deleted contacts with their photos; replace updates a changed one in place", async () => {
    const unit = unitOf("ms-contacts", 1);
    const first = await drain(contacts, unit, null);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const c of upserts(first.changes)) backup.set(c.externalId, { item: c, bytes: (await readJson(contacts, unit, c)).bytes });
    const before = (await truth(1)).contacts.items.map((c) => `${c.sha256}|${(c as { photoSha256?: string }).photoSha256 ?? ""}`).sort();
    const touched = [...(await mutate("edit", 0.2, 1, 1, "contacts")), ...(await mutate("delete", 0.2, 2, 1, "contacts"))];
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    const edited = touched.filter((t) => t.action === "edited" && !deleted.includes(t.id)).map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    const next = await drain(contacts, unit, first.cursor);
    expect(deletes(next.changes).sort()).toEqual([...new Set(deleted)].sort());
    expect(upserts(next.changes).map((c) => c.externalId).sort()).toEqual([...new Set(edited)].sort());

    const target = { unit, conflict: "skip" as const, copyFolder: "Restored" };
    for (const id of deleted) {
      const b = backup.get(id)!;
      expect((await contacts.writeItem(target, b.item, contentOf(b.bytes, "application/json"))).outcome).toBe("created");
    }
    for (const id of edited) {
      const b = backup.get(id)!;
      expect(await contacts.writeItem(target, b.item, contentOf(b.bytes, "application/json"))).toMatchObject({ outcome: "skipped", reason: "the contact was changed since; kept as it is" });
      expect(await contacts.writeItem({ ...target, conflict: "replace" }, b.item, contentOf(b.bytes, "application/json"))).toMatchObject({ outcome: "replaced", externalId: id });
    }
    expect((await truth(1)).contacts.items.map((c) => `${c.sha256}|${(c as { photoSha256?: string }).photoSha256 ?? ""}`).sort()).toEqual(before);

    // To another user: that user's contacts get a copy.
    const one = backup.get(deleted[0]!)!;
    const other = await contacts.writeItem({ unit: unitOf("ms-contacts", 0), conflict: "skip", copyFolder: "Restored" }, one.item, contentOf(one.bytes, "application/json"));
    expect(other.outcome).toBe("copied");
    const json = JSON.parse(one.bytes.toString("utf8")) as Record<string, unknown>;
    expect((await truth(0)).contacts.items.find((c) => c.id === other.externalId)?.sha256).toBe(contactDigest(json));
  });
});
