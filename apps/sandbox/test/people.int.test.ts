// People API through googleapis: connections paging, sync tokens (changes and deletions since,
// EXPIRED_SYNC_TOKEN after expire-history), createContact, get and deleteContact.
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
