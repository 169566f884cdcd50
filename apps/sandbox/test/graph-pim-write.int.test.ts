// Recurring events and PIM writes through the official Graph client: the seeded share of series
// masters, `instances`, calendarView expansion into occurrences (with seriesMasterId), creating
// a series (restore), updating and deleting events and contacts — each reported by the next
// delta round (changed occurrences, `@removed`) and reflected in the manifest.
import { createHash } from "node:crypto";
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface Recurrence {
  pattern: { type: string; interval: number; daysOfWeek: string[] };
  range: { type: string; startDate: string; endDate: string; numberOfOccurrences: number };
}
interface Ev {
  id: string;
  subject?: string;
  type?: string;
  seriesMasterId?: string;
  recurrence?: Recurrence | null;
  start?: { dateTime: string; timeZone: string };
  end?: { dateTime: string; timeZone: string };
  "@removed"?: { reason: string };
}
interface Contact {
  id: string;
  jobTitle?: string;
  displayName?: string;
  "@removed"?: { reason: string };
}
interface Unit {
  email: string;
  calendar: { items: { id: string; subject: string; recurrence?: Recurrence; sha256: string }[] };
  contacts: { items: { id: string; sha256: string; photoSha256?: string }[] };
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let upn: string;
// From before the fixed 2025 dates this file writes to well after the seeded events (which sit in
// the year that ended about six months before today: pim/data.ts).
const WIDE = `startDateTime=2024-01-01T00:00:00Z&endDateTime=${new Date(Math.floor(Date.now() / 86_400_000 + 400) * 86_400_000).toISOString().slice(0, 19)}Z`;
const DAY = 86_400_000;
const ms = (e: Ev) => Date.parse(`${(e.start?.dateTime ?? "").slice(0, 19)}Z`);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function unit(email = upn): Promise<Unit> {
  const m = (await h.control<{ units: Unit[] }>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
  const u = m.units.find((x) => x.email === email);
  if (!u) throw new Error("unit not in manifest");
  return u;
}
async function failure(p: Promise<unknown>): Promise<GraphError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 91, users: 2, itemsPerUser: 80 });
  upn = tenant.adminEmail;
  const app = await registerMsApp(h, ["Calendars.ReadWrite", "Contacts.ReadWrite"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

describe("recurring events", () => {
  it("seeds a share of series masters and expands them with instances and calendarView", async () => {
    const events = ((await client.api(`/users/${upn}/events`).top(1000).get()) as { value: Ev[] }).value;
    const masters = events.filter((e) => e.type === "seriesMaster");
    expect(masters.length).toBeGreaterThan(3);
    expect(masters.length).toBeLessThan(events.length / 2);
    expect(events.filter((e) => e.type !== "seriesMaster").every((e) => e.type === "singleInstance" && e.recurrence === null)).toBe(true);
    const truth = await unit();
    for (const m of masters) expect(truth.calendar.items.find((i) => i.id === m.id)?.recurrence).toEqual(m.recurrence);

    const numbered = masters.find((m) => m.recurrence?.range.type === "numbered");
    if (!numbered?.recurrence) throw new Error("no numbered series seeded");
    const r = numbered.recurrence;
    const instances = ((await client.api(`/users/${upn}/events/${numbered.id}/instances?${WIDE}`).top(100).get()) as { value: Ev[] }).value;
    expect(instances).toHaveLength(r.range.numberOfOccurrences);
    expect(instances.every((i) => i.type === "occurrence" && i.seriesMasterId === numbered.id && i.subject === numbered.subject)).toBe(true);
    expect(ms(instances[0] ?? { id: "" })).toBe(ms(numbered));
    const step = (r.pattern.type === "daily" ? 1 : 7) * r.pattern.interval * DAY;
    for (let k = 1; k < instances.length; k++) expect(ms(instances[k] ?? { id: "" }) - ms(instances[k - 1] ?? { id: "" })).toBe(step);
    // An occurrence is addressable; a window after the series holds none of it.
    const one = (await client.api(`/users/${upn}/events/${instances[1]?.id}`).get()) as Ev;
    expect(one).toMatchObject({ type: "occurrence", seriesMasterId: numbered.id });
    const view = ((await client.api(`/users/${upn}/calendarView?${WIDE}`).top(1000).get()) as { value: Ev[] }).value;
    expect(view.filter((e) => e.seriesMasterId === numbered.id).map((e) => e.id)).toEqual(instances.map((i) => i.id));
    expect(view.some((e) => e.type === "seriesMaster")).toBe(false);
    const after = ((await client.api(`/users/${upn}/events/${numbered.id}/instances?startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z`).get()) as { value: Ev[] }).value;
    expect(after).toEqual([]);
    expect((await failure(client.api(`/users/${upn}/events/${numbered.id}/instances`).get())).statusCode).toBe(400);
  });

  it("creates a weekly series, shortens it, and deletes it — each reported by calendarView/delta", async () => {
    const window = "startDateTime=2025-09-01T00:00:00Z&endDateTime=2025-12-01T00:00:00Z";
    const start = await collectPages<Ev>(client, `/users/${upn}/calendarView/delta?${window}`);
    const recurrence = { pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"], firstDayOfWeek: "sunday" }, range: { type: "numbered", startDate: "2025-09-01", numberOfOccurrences: 5 } };
    const master = (await client.api(`/users/${upn}/events`).post({ subject: "Standup", start: { dateTime: "2025-09-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2025-09-01T09:15:00", timeZone: "UTC" }, recurrence })) as Ev;
    expect(master).toMatchObject({ type: "seriesMaster", recurrence: { pattern: { type: "weekly", daysOfWeek: ["monday", "wednesday"] }, range: { type: "numbered", numberOfOccurrences: 5 } } });
    const created = await collectPages<Ev>(client, String(start.last["@odata.deltaLink"]));
    expect(created.items.map((e) => e.start?.dateTime.slice(0, 16))).toEqual(["2025-09-01T09:00", "2025-09-03T09:00", "2025-09-08T09:00", "2025-09-10T09:00", "2025-09-15T09:00"]);
    expect(created.items.every((e) => e.seriesMasterId === master.id)).toBe(true);

    const shorter = (await client.api(`/users/${upn}/events/${master.id}`).patch({ subject: "Daily standup", recurrence: { ...recurrence, range: { type: "numbered", startDate: "2025-09-01", numberOfOccurrences: 3 } } })) as Ev;
    expect(shorter.recurrence?.range.numberOfOccurrences).toBe(3);
    const round = await collectPages<Ev>(client, String(created.last["@odata.deltaLink"]));
    expect(round.items.filter((e) => !e["@removed"]).map((e) => [e.id, e.subject])).toEqual(created.items.slice(0, 3).map((e) => [e.id, "Daily standup"]));
    expect(round.items.filter((e) => e["@removed"]).map((e) => e.id)).toEqual(created.items.slice(3).map((e) => e.id));
    // Single occurrences are not changed one by one here.
    expect((await failure(client.api(`/users/${upn}/events/${created.items[0]?.id}`).patch({ subject: "x" }))).statusCode).toBe(400);

    await client.api(`/users/${upn}/events/${master.id}`).delete();
    const gone = await collectPages<Ev>(client, String(round.last["@odata.deltaLink"]));
    expect(gone.items.map((e) => [e.id, e["@removed"]?.reason])).toEqual(created.items.slice(0, 3).map((e) => [e.id, "deleted"]));
    expect((await failure(client.api(`/users/${upn}/events/${master.id}`).get())).statusCode).toBe(404);
    expect((await unit()).calendar.items.some((i) => i.id === master.id)).toBe(false);
  });

  it("expands a daily series up to its end date and rejects what it cannot expand", async () => {
    const master = (await client.api(`/users/${upn}/events`).post({
      subject: "Release freeze",
      start: { dateTime: "2025-10-06T08:00:00", timeZone: "UTC" },
      end: { dateTime: "2025-10-06T08:30:00", timeZone: "UTC" },
      recurrence: { pattern: { type: "daily", interval: 2 }, range: { type: "endDate", startDate: "2025-10-06", endDate: "2025-10-14" } },
    })) as Ev;
    const instances = ((await client.api(`/users/${upn}/events/${master.id}/instances?${WIDE}`).get()) as { value: Ev[] }).value;
    expect(instances.map((e) => e.start?.dateTime.slice(0, 10))).toEqual(["2025-10-06", "2025-10-08", "2025-10-10", "2025-10-12", "2025-10-14"]);
    const monthly = await failure(
      client.api(`/users/${upn}/events`).post({ subject: "x", start: { dateTime: "2025-10-06T08:00:00", timeZone: "UTC" }, end: { dateTime: "2025-10-06T09:00:00", timeZone: "UTC" }, recurrence: { pattern: { type: "absoluteMonthly", interval: 1 }, range: { type: "noEnd", startDate: "2025-10-06" } } }),
    );
    expect(monthly.statusCode).toBe(400);
    const mismatch = await failure(
      client.api(`/users/${upn}/events`).post({ subject: "x", start: { dateTime: "2025-10-06T08:00:00", timeZone: "UTC" }, end: { dateTime: "2025-10-06T09:00:00", timeZone: "UTC" }, recurrence: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2025-10-07" } } }),
    );
    expect(mismatch.statusCode).toBe(400);
  });

  it("updates and deletes single events; delta and the manifest follow", async () => {
    const other = tenant.units[1]?.email ?? "";
    const first = await collectPages<Ev>(client, `/users/${other}/calendarView/delta?${WIDE}`);
    const singles = first.items.filter((e) => e.type === "singleInstance");
    const [a, b] = singles;
    if (!a || !b) throw new Error("too few single events");
    const before = await unit(other);
    const patched = (await client.api(`/users/${other}/events/${a.id}`).patch({ subject: "Moved review", start: { dateTime: "2025-03-03T10:00:00", timeZone: "UTC" }, end: { dateTime: "2025-03-03T11:00:00", timeZone: "UTC" } })) as Ev;
    expect(patched).toMatchObject({ id: a.id, subject: "Moved review", start: { dateTime: "2025-03-03T10:00:00.0000000" } });
    await client.api(`/users/${other}/events/${b.id}`).delete();
    const round = await collectPages<Ev>(client, String(first.last["@odata.deltaLink"]));
    expect(round.items.map((e) => [e.id, e.subject ?? e["@removed"]?.reason])).toEqual([
      [a.id, "Moved review"],
      [b.id, "deleted"],
    ]);
    const after = await unit(other);
    expect(after.calendar.items.find((i) => i.id === a.id)?.sha256).not.toBe(before.calendar.items.find((i) => i.id === a.id)?.sha256);
    expect(after.calendar.items.some((i) => i.id === b.id)).toBe(false);
    expect((await failure(client.api(`/users/${other}/events/${b.id}`).delete())).statusCode).toBe(404);
  });
});

describe("contact writes", () => {
  it("updates a contact (its photo kept) and deletes another; contacts/delta reports both", async () => {
    const first = await collectPages<Contact>(client, `/users/${upn}/contacts/delta`);
    const truth = await unit();
    const withPhoto = truth.contacts.items.find((c) => c.photoSha256);
    const victim = truth.contacts.items.find((c) => c.id !== withPhoto?.id);
    if (!withPhoto || !victim) throw new Error("no contacts to change");
    const updated = (await client.api(`/users/${upn}/contacts/${withPhoto.id}`).patch({ jobTitle: "Chief Restorer", businessPhones: ["+1 425 555 0100"] })) as Contact & { businessPhones: string[]; displayName: string };
    expect(updated).toMatchObject({ id: withPhoto.id, jobTitle: "Chief Restorer", businessPhones: ["+1 425 555 0100"] });
    expect(updated.displayName).toBeTruthy();
    await client.api(`/users/${upn}/contacts/${victim.id}`).delete();

    const round = await collectPages<Contact>(client, String(first.last["@odata.deltaLink"]));
    expect(round.items.map((c) => [c.id, c.jobTitle ?? c["@removed"]?.reason])).toEqual([
      [withPhoto.id, "Chief Restorer"],
      [victim.id, "deleted"],
    ]);
    const chunks: Buffer[] = [];
    for await (const c of (await client.api(`/users/${upn}/contacts/${withPhoto.id}/photo/$value`).getStream()) as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
    expect(sha(Buffer.concat(chunks))).toBe(withPhoto.photoSha256);
    const after = await unit();
    expect(after.contacts.items.find((c) => c.id === withPhoto.id)).toMatchObject({ photoSha256: withPhoto.photoSha256 });
    expect(after.contacts.items.find((c) => c.id === withPhoto.id)?.sha256).not.toBe(withPhoto.sha256);
    expect(after.contacts.items.some((c) => c.id === victim.id)).toBe(false);
    expect((await failure(client.api(`/users/${upn}/contacts/${victim.id}`).get())).statusCode).toBe(404);
    expect((await failure(client.api(`/users/${upn}/contacts/${withPhoto.id}`).patch({ emailAddresses: "nope" }))).statusCode).toBe(400);
  });
});
