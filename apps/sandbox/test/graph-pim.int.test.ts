// Outlook calendar and contacts through the official Graph client: calendarView/delta and
// contacts/delta paging, change rounds after mutations (edits, @removed, creations), 410
// syncStateNotFound after expire-history, restore by POST (event, contact, contact photo)
// checked against the manifest's digests, and permission checks.
import { createHash } from "node:crypto";
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TouchedItem } from "../src/index";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, delegatedToken, graphClient, registerMsApp, type MsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface Ev {
  id: string;
  subject?: string;
  start?: { dateTime: string; timeZone: string };
  end?: { dateTime: string; timeZone: string };
  body?: { contentType: string; content: string };
  location?: { displayName: string };
  attendees?: { emailAddress: { name: string; address: string } }[];
  isAllDay?: boolean;
  type?: string;
  seriesMasterId?: string;
  recurrence?: Record<string, unknown> | null;
  "@removed"?: { reason: string };
}
interface Contact {
  id: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  emailAddresses?: { name: string; address: string }[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  companyName?: string;
  jobTitle?: string;
  personalNotes?: string;
  parentFolderId?: string;
  "@removed"?: { reason: string };
}
interface Unit {
  email: string;
  calendar: { items: { id: string; subject: string; start: string; end: string; recurrence?: object; sha256: string }[] };
  contacts: { folderId: string; items: { id: string; displayName: string; sha256: string; photoSha256?: string; photoSize?: number }[] };
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let app: MsApp;
let client: Client;
let upn: string;
// Seeded events fall in the year that ended about six months before today (pim/data.ts).
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 19);
const WINDOW = `startDateTime=${isoDay(today - 600 * DAY)}Z&endDateTime=${isoDay(today + 400 * DAY)}Z`;
const NARROW = { from: isoDay(today - 400 * DAY), to: isoDay(today - 340 * DAY) };
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function truth(email = upn): Promise<Unit> {
  const m = (await h.control<{ units: Unit[] }>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
  const u = m.units.find((x) => x.email === email);
  if (!u) throw new Error("unit not in manifest");
  return u;
}
async function mutate(kind: string, fraction: number, seed: number): Promise<TouchedItem[]> {
  const res = await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, fraction, seed, units: [upn] });
  expect(res.status).toBe(200);
  return res.body.touched;
}
async function bytes(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await client.api(path).getStream()) as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
async function graphFailure(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error("expected a Graph error");
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 73, users: 3, itemsPerUser: 40 });
  upn = tenant.adminEmail;
  app = await registerMsApp(h, ["User.Read.All", "Mail.Read", "Calendars.ReadWrite", "Contacts.ReadWrite"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
});
afterAll(() => h.close());

describe("Graph calendar", () => {
  it("pages calendarView/delta over the window, then reports edits, removals and creations", async () => {
    const before = await truth();
    const first = await collectPages<Ev>(client, `/users/${upn}/calendarView/delta?${WINDOW}`, (r) => r.header("Prefer", "odata.maxpagesize=7"));
    expect(first.pages.length).toBeGreaterThan(2);
    expect(first.pages.slice(0, -1).every((n) => n === 7)).toBe(true);
    // Series come as their occurrences (seriesMasterId), single events as themselves.
    const key = (e: Ev) => e.seriesMasterId ?? e.id;
    expect([...new Set(first.items.map(key))].sort()).toEqual(before.calendar.items.map((e) => e.id).sort());
    expect(first.items.some((e) => e.type === "occurrence")).toBe(true);
    const occurrencesOf = new Map<string, string[]>();
    for (const e of first.items) if (e.seriesMasterId) occurrencesOf.set(e.seriesMasterId, [...(occurrencesOf.get(e.seriesMasterId) ?? []), e.id]);
    expect(first.items[0]?.start?.timeZone).toBe("UTC");
    // A narrower window returns only the events overlapping it.
    const narrow = await collectPages<Ev>(client, `/users/${upn}/calendarView/delta?startDateTime=${NARROW.from}&endDateTime=${NARROW.to}`);
    const expected = before.calendar.items.filter((e) => !e.recurrence && e.start < `${NARROW.to}.000Z` && e.end > `${NARROW.from}.000Z`);
    expect(narrow.items.filter((e) => e.type === "singleInstance").map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
    for (const o of narrow.items.filter((e) => e.type === "occurrence")) expect(`${o.start?.dateTime ?? ""}` < NARROW.to && `${o.end?.dateTime ?? ""}` > NARROW.from).toBe(true);
    expect(expected.length).toBeLessThan(before.calendar.items.length);

    const edited = (await mutate("edit", 0.25, 5)).filter((t) => t.service === "calendar");
    const deleted = (await mutate("delete", 0.2, 6)).filter((t) => t.service === "calendar");
    const created = (await mutate("create", 0.1, 7)).filter((t) => t.service === "calendar");
    expect(edited.length && deleted.length && created.length).toBeTruthy();
    const round = await collectPages<Ev>(client, String(first.last["@odata.deltaLink"]));
    const removed = round.items.filter((e) => e["@removed"]).map((e) => e.id).sort();
    expect(removed).toEqual(deleted.flatMap((t) => occurrencesOf.get(t.id) ?? [t.id]).sort());
    const changed = round.items.filter((e) => !e["@removed"]);
    const stillThere = edited.filter((t) => !deleted.some((d) => d.id === t.id));
    expect([...new Set(changed.map(key))].sort()).toEqual([...stillThere, ...created].map((t) => t.id).sort());
    for (const t of stillThere) expect(changed.find((e) => key(e) === t.id)?.subject).toMatch(/\(updated\)$/);
    // Nothing happened since: an empty round with a fresh deltaLink.
    const quiet = (await client.api(String(round.last["@odata.deltaLink"])).get()) as { value: unknown[]; "@odata.deltaLink"?: string };
    expect(quiet.value).toEqual([]);
    expect(typeof quiet["@odata.deltaLink"]).toBe("string");

    await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [upn] });
    const gone = await graphFailure(client.api(String(round.last["@odata.deltaLink"])).get());
    expect(gone.statusCode).toBe(410);
    expect(gone.code).toBe("syncStateNotFound");
  });

  it("restores a deleted event by POST /events with the same digest", async () => {
    const before = await truth();
    const victim = before.calendar.items[0];
    if (!victim) throw new Error("no events");
    const original = (await client.api(`/users/${upn}/events/${victim.id}`).get()) as Ev;
    await h.control("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "delete", fraction: 1, seed: 8, units: [upn] });
    expect(await graphFailure(client.api(`/users/${upn}/events/${victim.id}`).get()).then((e) => e.statusCode)).toBe(404);
    const restored = (await client.api(`/users/${upn}/events`).post({
      subject: original.subject,
      body: original.body,
      start: original.start,
      end: original.end,
      location: { displayName: original.location?.displayName },
      isAllDay: original.isAllDay,
      attendees: original.attendees?.map((a) => ({ emailAddress: a.emailAddress, type: "required" })),
      ...(original.recurrence ? { recurrence: original.recurrence } : {}),
    })) as Ev;
    expect(restored.id).not.toBe(victim.id);
    const after = await truth();
    expect(after.calendar.items.find((e) => e.id === restored.id)?.sha256).toBe(victim.sha256);
    const bad = await graphFailure(client.api(`/users/${upn}/events`).post({ subject: "x", start: { dateTime: "2025-01-01T10:00:00", timeZone: "UTC" } }));
    expect(bad.statusCode).toBe(400);
  });
});

describe("Graph contacts", () => {
  it("pages contacts/delta (mailbox-wide and per folder) and serves photos", async () => {
    const other = tenant.units[1]?.email ?? "";
    const t = await truth(other);
    const all = await collectPages<Contact>(client, `/users/${other}/contacts/delta`, (r) => r.header("Prefer", "odata.maxpagesize=6"));
    expect(all.pages.length).toBeGreaterThan(2);
    expect(all.items.map((c) => c.id).sort()).toEqual(t.contacts.items.map((c) => c.id).sort());
    const folders = (await client.api(`/users/${other}/contactFolders`).get()) as { value: { id: string }[] };
    expect(folders.value.map((f) => f.id)).toEqual([t.contacts.folderId]);
    const inFolder = await collectPages<Contact>(client, `/users/${other}/contactFolders/${t.contacts.folderId}/contacts/delta`);
    expect(inFolder.items.map((c) => c.id)).toEqual(all.items.map((c) => c.id));
    expect(inFolder.items.every((c) => c.parentFolderId === t.contacts.folderId)).toBe(true);

    const withPhoto = t.contacts.items.filter((c) => c.photoSha256);
    const without = t.contacts.items.find((c) => !c.photoSha256);
    expect(withPhoto.length).toBeGreaterThan(0);
    for (const c of withPhoto.slice(0, 3)) {
      const b = await bytes(`/users/${other}/contacts/${c.id}/photo/$value`);
      expect(b.length).toBe(c.photoSize);
      expect(sha(b)).toBe(c.photoSha256);
    }
    const noPhoto = await graphFailure(client.api(`/users/${other}/contacts/${without?.id}/photo/$value`).get());
    expect(noPhoto.statusCode).toBe(404);
    expect(noPhoto.code).toBe("ImageNotFound");

    const ransomed = (await h.control<{ touched: TouchedItem[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "ransomware", fraction: 0.3, seed: 9, units: [other] })).body.touched.filter((x) => x.service === "contacts");
    expect(ransomed.length).toBeGreaterThan(0);
    const round = await collectPages<Contact>(client, String(all.last["@odata.deltaLink"]));
    expect(round.items.map((c) => c.id).sort()).toEqual(ransomed.map((x) => x.id).sort());
    const hit = round.items[0];
    expect(hit?.displayName).not.toBe(t.contacts.items.find((c) => c.id === hit?.id)?.displayName);
  });

  it("restores a deleted contact and its photo", async () => {
    // Its own mailbox: the event test above deleted every item of the admin's.
    const owner = tenant.units[2]?.email ?? "";
    const before = await truth(owner);
    const victim = before.contacts.items.find((c) => c.photoSha256);
    if (!victim) throw new Error("no contact with a photo");
    const original = (await client.api(`/users/${owner}/contacts/${victim.id}`).get()) as Contact;
    const photo = await bytes(`/users/${owner}/contacts/${victim.id}/photo/$value`);
    await h.control("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "delete", fraction: 1, seed: 10, units: [owner] });
    const { id: _id, parentFolderId: _p, ...fields } = original;
    const copy = Object.fromEntries(Object.entries(fields).filter(([k]) => !k.startsWith("@") && !["createdDateTime", "lastModifiedDateTime", "changeKey"].includes(k)));
    const restored = (await client.api(`/users/${owner}/contacts`).post(copy)) as Contact;
    await client.api(`/users/${owner}/contacts/${restored.id}/photo/$value`).header("Content-Type", "image/png").put(photo);
    const after = (await truth(owner)).contacts.items.find((c) => c.id === restored.id);
    expect(after).toMatchObject({ sha256: victim.sha256, photoSha256: victim.photoSha256, photoSize: victim.photoSize });
  });

  it("checks permissions: a mail-only delegated token cannot read the calendar or contacts", async () => {
    const token = await delegatedToken(h, tenant.tenantId, app, upn, ["Mail.Read"]);
    const mailOnly = graphClient(h, String(token.access_token));
    for (const path of [`/me/calendarView/delta?${WINDOW}`, "/me/contacts/delta"]) {
      const denied = await graphFailure(mailOnly.api(path).get());
      expect(denied.statusCode).toBe(403);
    }
    const noWindow = await graphFailure(client.api(`/users/${upn}/calendarView/delta`).get());
    expect(noWindow.statusCode).toBe(400);
  });
});
