// People API through googleapis: connections paging, sync tokens (changes and deletions since,
// EXPIRED_SYNC_TOKEN after expire-history), createContact, get and deleteContact.
import { createHash } from "node:crypto";
import { google, type people_v1 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { googleRoot, startSandbox, userToken, type Harness } from "./harness";

const CONTACTS = "https://www.googleapis.com/auth/contacts";
const READONLY = "https://www.googleapis.com/auth/contacts.readonly";
const FIELDS = "names,emailAddresses";

let h: Harness;
let tenant: TenantSummary;
let api: people_v1.People;

async function fullSync(client: people_v1.People, pageSize: number): Promise<{ people: people_v1.Schema$Person[]; pages: number; syncToken: string }> {
  const people: people_v1.Schema$Person[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const res = await client.people.connections.list({ resourceName: "people/me", personFields: FIELDS, pageSize, pageToken, requestSyncToken: true }, { retry: false });
    pages++;
    people.push(...(res.data.connections ?? []));
    if (!res.data.nextPageToken) return { people, pages, syncToken: res.data.nextSyncToken ?? "" };
    expect(res.data.nextSyncToken).toBeUndefined();
    pageToken = res.data.nextPageToken;
  }
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 23, users: 2, itemsPerUser: 30 });
  api = google.people({ version: "v1", auth: await userToken(h, tenant.adminEmail, [CONTACTS]), rootUrl: googleRoot(h.url) });
});
afterAll(() => h.close());

describe("People API", () => {
  it("lists every seeded contact in pages, with the sync token on the last page only", async () => {
    const { people, pages, syncToken } = await fullSync(api, 7);
    expect(people).toHaveLength(30);
    expect(pages).toBe(5);
    expect(new Set(people.map((p) => p.resourceName)).size).toBe(30);
    expect(people[0]?.resourceName).toMatch(/^people\/c\d+$/);
    expect(people[0]?.names?.[0]?.givenName).toBeTruthy();
    expect(people[0]?.emailAddresses?.[0]?.value).toContain("@");
    expect(syncToken).toBeTruthy();
    // One page or seven, the same people in the same order.
    expect((await fullSync(api, 100)).people.map((p) => p.resourceName)).toEqual(people.map((p) => p.resourceName));
  });

  it("requires personFields and a contacts scope", async () => {
    await expect(api.people.connections.list({ resourceName: "people/me" }, { retry: false })).rejects.toMatchObject({ status: 400 });
    const other = google.people({ version: "v1", auth: await userToken(h, tenant.adminEmail, ["https://www.googleapis.com/auth/gmail.readonly"]), rootUrl: googleRoot(h.url) });
    await expect(other.people.connections.list({ resourceName: "people/me", personFields: FIELDS }, { retry: false })).rejects.toMatchObject({ status: 403 });
    const ro = google.people({ version: "v1", auth: await userToken(h, tenant.adminEmail, [READONLY]), rootUrl: googleRoot(h.url) });
    expect((await ro.people.connections.list({ resourceName: "people/me", personFields: FIELDS }, { retry: false })).data.totalItems).toBeGreaterThanOrEqual(30);
    await expect(ro.people.createContact({ requestBody: { names: [{ givenName: "No" }] } }, { retry: false })).rejects.toMatchObject({ status: 403 });
  });

  it("an incremental sync returns created contacts and deleted ones with metadata.deleted", async () => {
    const { people, syncToken } = await fullSync(api, 100);
    const created = await api.people.createContact({ requestBody: { names: [{ givenName: "Ada", familyName: "Lovelace" }], emailAddresses: [{ value: "ada@example.com" }] } }, { retry: false });
    const newName = created.data.resourceName ?? "";
    expect(newName).toMatch(/^people\/c\d+$/);
    const got = await api.people.get({ resourceName: newName, personFields: FIELDS }, { retry: false });
    expect(got.data.emailAddresses?.[0]?.value).toBe("ada@example.com");
    const victim = people[3]?.resourceName ?? "";
    await api.people.deleteContact({ resourceName: victim }, { retry: false });
    await expect(api.people.get({ resourceName: victim, personFields: FIELDS }, { retry: false })).rejects.toMatchObject({ status: 404 });

    const delta = await api.people.connections.list({ resourceName: "people/me", personFields: FIELDS, syncToken, requestSyncToken: true }, { retry: false });
    const byName = new Map((delta.data.connections ?? []).map((p) => [p.resourceName, p]));
    expect([...byName.keys()].sort()).toEqual([newName, victim].sort());
    expect(byName.get(victim)?.metadata?.deleted).toBe(true);
    expect(byName.get(newName)?.names?.[0]?.givenName).toBe("Ada");
    // Nothing changed since the delta's own token.
    const again = await api.people.connections.list({ resourceName: "people/me", personFields: FIELDS, syncToken: delta.data.nextSyncToken ?? "" }, { retry: false });
    expect(again.data.connections ?? []).toEqual([]);
  });

  it("an expired sync token is 400 FAILED_PRECONDITION with reason EXPIRED_SYNC_TOKEN; a full sync recovers", async () => {
    const { syncToken } = await fullSync(api, 100);
    expect((await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, {})).status).toBe(200);
    const err = (await api.people.connections.list({ resourceName: "people/me", personFields: FIELDS, syncToken }, { retry: false }).catch((e: unknown) => e)) as { status: number; response: { data: { error: { status: string; details: { reason: string }[] } } } };
    expect(err.status).toBe(400);
    expect(err.response.data.error.status).toBe("FAILED_PRECONDITION");
    expect(err.response.data.error.details[0]?.reason).toBe("EXPIRED_SYNC_TOKEN");
    const fresh = await fullSync(api, 100);
    expect(fresh.people).toHaveLength(30);
    expect((await api.people.connections.list({ resourceName: "people/me", personFields: FIELDS, syncToken: fresh.syncToken }, { retry: false })).status).toBe(200);
  });
});

describe("People API: photos, updateContact, manifest and mutations", () => {
  let t: TenantSummary;
  let p: people_v1.People;
  const PHOTO_FIELDS = "names,emailAddresses,photos";
  // A minimal JPEG (SOI, APP0/JFIF header, EOI): the API accepts JPEG and PNG bytes.
  const JPEG = Buffer.concat([Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex"), Buffer.from("ffd9", "hex")]);
  interface ContactItem {
    id: string;
    name: string;
    sha256: string;
    photo: { default: boolean; size: number; sha256: string };
  }
  const manifestContacts = async (): Promise<ContactItem[]> => {
    const m = await h.control<{ contacts: { email: string; items: ContactItem[] }[] }>("GET", `/_control/tenants/${t.id}/manifest`);
    expect(m.status).toBe(200);
    return m.body.contacts.find((u) => u.email === t.adminEmail)?.items ?? [];
  };
  const fetchPhoto = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  beforeAll(async () => {
    t = await h.createTenant({ seed: 24, users: 2, itemsPerUser: 12 });
    p = google.people({ version: "v1", auth: await userToken(h, t.adminEmail, [CONTACTS]), rootUrl: googleRoot(h.url) });
  });

  it("gives seeded contacts photos whose url serves the image bytes, flagging Google's default photo", async () => {
    const list = await p.people.connections.list({ resourceName: "people/me", personFields: PHOTO_FIELDS, pageSize: 100 }, { retry: false });
    const people = list.data.connections ?? [];
    expect(people).toHaveLength(12);
    const manifest = new Map((await manifestContacts()).map((c) => [c.id, c]));
    let own = 0;
    for (const person of people) {
      const photo = person.photos?.[0];
      expect(photo?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/google\/people-photos\//);
      const got = await fetchPhoto(photo?.url ?? "");
      expect(got.status).toBe(200);
      expect(got.type).toBe("image/png");
      expect(got.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      const item = manifest.get(person.resourceName ?? "");
      expect(item?.photo.sha256).toBe(sha(got.bytes));
      expect(item?.photo.default).toBe(photo?.default === true);
      if (!photo?.default) own++;
    }
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThan(12);
    // Same seed, same contacts: the photo bytes are generated deterministically.
    const twin = await h.createTenant({ seed: 24, users: 1, itemsPerUser: 12 });
    const twinManifest = await h.control<{ contacts: { items: ContactItem[] }[] }>("GET", `/_control/tenants/${twin.id}/manifest`);
    expect(twinManifest.body.contacts[0]?.items.map((c) => c.photo.sha256)).toEqual([...manifest.values()].map((c) => c.photo.sha256));
  });

  it("updateContactPhoto stores the uploaded bytes exactly and deleteContactPhoto brings back the default photo", async () => {
    const first = (await p.people.connections.list({ resourceName: "people/me", personFields: PHOTO_FIELDS, requestSyncToken: true }, { retry: false })).data;
    const target = first.connections?.[0]?.resourceName ?? "";
    const updated = await p.people.updateContactPhoto({ resourceName: target, requestBody: { photoBytes: JPEG.toString("base64"), personFields: PHOTO_FIELDS } }, { retry: false });
    const photo = updated.data.person?.photos?.[0];
    expect(photo?.default).toBeUndefined();
    const got = await fetchPhoto(photo?.url ?? "");
    expect(got.type).toBe("image/jpeg");
    expect(got.bytes.equals(JPEG)).toBe(true);
    expect((await manifestContacts()).find((c) => c.id === target)?.photo).toEqual({ default: false, size: JPEG.length, sha256: sha(JPEG) });
    const delta = await p.people.connections.list({ resourceName: "people/me", personFields: PHOTO_FIELDS, syncToken: first.nextSyncToken ?? "" }, { retry: false });
    expect((delta.data.connections ?? []).map((c) => c.resourceName)).toEqual([target]);

    const removed = await p.people.deleteContactPhoto({ resourceName: target, personFields: PHOTO_FIELDS }, { retry: false });
    expect(removed.data.person?.photos?.[0]?.default).toBe(true);
    await expect(p.people.updateContactPhoto({ resourceName: target, requestBody: { photoBytes: Buffer.from("not an image").toString("base64") } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(p.people.updateContactPhoto({ resourceName: "people/c1", requestBody: { photoBytes: JPEG.toString("base64") } }, { retry: false })).rejects.toMatchObject({ status: 404 });
  });

  it("updateContact changes the fields named in updatePersonFields and refuses a stale etag", async () => {
    const list = await p.people.connections.list({ resourceName: "people/me", personFields: "names,emailAddresses,phoneNumbers,organizations" }, { retry: false });
    const before = list.data.connections?.[1];
    const name = before?.resourceName ?? "";
    const res = await p.people.updateContact(
      { resourceName: name, updatePersonFields: "names,phoneNumbers", personFields: "names,emailAddresses,phoneNumbers", requestBody: { etag: before?.etag, names: [{ givenName: "Grace", familyName: "Hopper" }] } },
      { retry: false },
    );
    expect(res.data.names?.[0]?.displayName).toBe("Grace Hopper");
    // Named in the mask but absent from the body: cleared. Not named: unchanged.
    expect(res.data.phoneNumbers).toBeUndefined();
    expect(res.data.emailAddresses?.[0]?.value).toBe(before?.emailAddresses?.[0]?.value);
    expect(res.data.etag).not.toBe(before?.etag);
    expect((await manifestContacts()).find((c) => c.id === name)?.name).toBe("Grace Hopper");

    const stale = (await p.people.updateContact({ resourceName: name, updatePersonFields: "names", requestBody: { etag: before?.etag, names: [{ givenName: "Old" }] } }, { retry: false }).catch((e: unknown) => e)) as { status: number; response: { data: { error: { status: string } } } };
    expect(stale.status).toBe(400);
    expect(stale.response.data.error.status).toBe("FAILED_PRECONDITION");
    await expect(p.people.updateContact({ resourceName: name, requestBody: { etag: res.data.etag, names: [{ givenName: "X" }] } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(p.people.updateContact({ resourceName: name, updatePersonFields: "photos", requestBody: { etag: res.data.etag } }, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(p.people.updateContact({ resourceName: name, updatePersonFields: "names", requestBody: { names: [{ givenName: "X" }] } }, { retry: false })).rejects.toMatchObject({ status: 400 });
  });

  it("control mutations edit, delete and create contacts, as the manifest and a sync token report", async () => {
    const start = (await p.people.connections.list({ resourceName: "people/me", personFields: "names", requestSyncToken: true }, { retry: false })).data.nextSyncToken ?? "";
    const before = new Map((await manifestContacts()).map((c) => [c.id, c]));
    const mutate = async (kind: string, fraction: number) => {
      const res = await h.control<{ touched: { unit: string; id: string; action: string }[] }>("POST", `/_control/tenants/${t.id}/mutations`, { kind, fraction, seed: 3, service: "contacts", units: [t.adminEmail] });
      expect(res.status).toBe(200);
      return res.body.touched;
    };
    const edited = await mutate("edit", 0.5);
    const deleted = await mutate("delete", 0.3);
    const created = await mutate("create", 0.1);
    expect(edited.length).toBeGreaterThan(0);
    expect(deleted.length).toBeGreaterThan(0);
    expect(created.length).toBeGreaterThan(0);
    const after = new Map((await manifestContacts()).map((c) => [c.id, c]));
    for (const e of edited) if (!deleted.some((d) => d.id === e.id)) expect(after.get(e.id)?.sha256).not.toBe(before.get(e.id)?.sha256);
    for (const d of deleted) expect(after.has(d.id)).toBe(false);
    for (const c of created) expect(after.has(c.id)).toBe(true);
    const delta = await p.people.connections.list({ resourceName: "people/me", personFields: "names", syncToken: start, pageSize: 1000 }, { retry: false });
    const changed = new Set((delta.data.connections ?? []).map((c) => c.resourceName));
    for (const x of [...edited, ...deleted, ...created]) expect(changed.has(x.id)).toBe(true);
    expect((await h.control("POST", `/_control/tenants/${t.id}/mutations`, { kind: "move", fraction: 0.5, seed: 1, service: "contacts" })).status).toBe(400);
  });
});
