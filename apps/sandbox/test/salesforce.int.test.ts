// Salesforce through jsforce 3 (the client the connectors will use): the web-server OAuth flow,
// REST metadata, SOQL paging, replication windows, limits, record writes and composite restore,
// and ContentVersion downloads checked against the manifest.
import { createHash, createHmac } from "node:crypto";
import { Connection, OAuth2 } from "jsforce";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { consent, startSandbox, type Harness } from "./harness";

const REDIRECT = "http://localhost:3000/api/auth/callback/salesforce";
const V = "62.0";

interface SfTenant extends TenantSummary {
  orgId: string;
}
interface ManifestItem {
  id: string;
  sha256: string;
  size?: number;
}
interface Manifest {
  units: { id: string; items: ManifestItem[] }[];
}

let h: Harness;
let tenant: SfTenant;
let client: { clientId: string; clientSecret: string };

async function createOrg(input: Record<string, unknown>): Promise<SfTenant> {
  const res = await h.control<SfTenant>("POST", "/_control/tenants", { provider: "salesforce", ...input });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

function oauth2(): OAuth2 {
  return new OAuth2({ loginUrl: `${h.url}/salesforce`, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: REDIRECT });
}

/** A connection for the org's admin through the real authorization-code flow. */
async function connect(org: SfTenant): Promise<Connection> {
  const oauth = oauth2();
  const { code } = await consent(oauth.getAuthorizationUrl({ scope: "api refresh_token id", login_hint: org.adminEmail }));
  const conn = new Connection({ oauth2: oauth, version: V });
  await conn.authorize(code);
  return conn;
}

async function manifest(id: string): Promise<Manifest> {
  return (await h.control<Manifest>("GET", `/_control/tenants/${id}/manifest`)).body;
}

function unit(m: Manifest, type: string): ManifestItem[] {
  return m.units.find((u) => u.id === type)?.items ?? [];
}

/** The rejection of a promise (undefined when it resolves). */
function failure(p: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );
}

function errorCode(err: unknown): string | undefined {
  return (err as { errorCode?: string }).errorCode;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createOrg({ seed: 11, users: 5, itemsPerUser: 200 });
  client = (await h.control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "salesforce", redirectUris: [REDIRECT] })).body;
});
afterAll(() => h.close());

describe("OAuth web-server flow", () => {
  it("answers with instance_url, id, issued_at and a verifiable signature; refreshes; revokes", async () => {
    const oauth = oauth2();
    const { code } = await consent(oauth.getAuthorizationUrl({ scope: "api refresh_token", login_hint: tenant.adminEmail }));
    const res = await fetch(`${h.url}/salesforce/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: REDIRECT }),
    });
    const token = (await res.json()) as Record<string, string>;
    expect(res.status).toBe(200);
    expect(token.instance_url).toBe(`${h.url}/salesforce`);
    expect(token.id).toMatch(new RegExp(`/salesforce/id/${tenant.orgId}/005\\w{15}$`));
    expect(token.refresh_token).toBeTruthy();
    const expected = createHmac("sha256", client.clientSecret).update(`${token.id}${token.issued_at}`).digest("base64");
    expect(token.signature).toBe(expected);

    // The code is single-use.
    const again = await fetch(`${h.url}/salesforce/services/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: REDIRECT }) });
    expect(again.status).toBe(400);

    const refreshed = await oauth.refreshToken(token.refresh_token ?? "");
    expect(refreshed.access_token).not.toBe(token.access_token);
    expect(refreshed.instance_url).toBe(token.instance_url);
    expect((refreshed as { refresh_token?: string }).refresh_token).toBeUndefined();

    const conn = new Connection({ instanceUrl: token.instance_url, accessToken: refreshed.access_token, version: V });
    expect((await conn.request<{ organization_id: string }>(token.id ?? "")).organization_id).toBe(tenant.orgId);
    await oauth.revokeToken(token.refresh_token ?? "");
    const denied = await conn.limits().catch((e: unknown) => e);
    expect(errorCode(denied)).toBe("INVALID_SESSION_ID");
  });

  it("shows a consent page without the header and honours deny", async () => {
    const url = oauth2().getAuthorizationUrl({ scope: "api", login_hint: tenant.adminEmail });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(tenant.adminEmail);
    const deny = await fetch(url, { headers: { "x-sandbox-consent": "deny" }, redirect: "manual" });
    expect(new URL(deny.headers.get("location") ?? "").searchParams.get("error")).toBe("access_denied");
  });

  it("connects through jsforce's authorize() and records the user and org", async () => {
    const conn = await connect(tenant);
    expect(conn.instanceUrl).toBe(`${h.url}/salesforce`);
    expect(conn.userInfo?.organizationId).toBe(tenant.orgId);
  });
});

describe("REST metadata", () => {
  it("lists versions, limits and describes sObjects with relationships", async () => {
    const conn = await connect(tenant);
    const versions = await conn.request<{ version: string; url: string }[]>("/services/data");
    expect(versions.map((v) => v.version)).toContain(V);
    const limits = await conn.limits();
    expect(limits.DailyApiRequests?.Max).toBe(100_000);
    expect(limits.DailyApiRequests?.Remaining).toBeLessThan(100_000);
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(["Account", "Contact", "Opportunity", "Case", "ContentVersion"]));
    const contact = await conn.describe("Contact");
    const accountId = contact.fields.find((f) => f.name === "AccountId");
    expect(accountId?.type).toBe("reference");
    expect(accountId?.referenceTo).toEqual(["Account"]);
    expect(accountId?.relationshipName).toBe("Account");
    expect(contact.fields.find((f) => f.name === "External_Id__c")?.externalId).toBe(true);
    const account = await conn.describe("Account");
    expect(account.childRelationships.map((c) => `${c.childSObject}.${c.field}`)).toEqual(expect.arrayContaining(["Contact.AccountId", "Opportunity.AccountId", "Case.AccountId"]));
    const unknown = await conn.describe("Nope__c").catch((e: unknown) => e);
    expect(errorCode(unknown)).toBe("NOT_FOUND");
    // Every REST response reports the allowance used so far.
    expect(conn.limitInfo?.apiUsage?.limit).toBe(100_000);
    expect(conn.limitInfo?.apiUsage?.used).toBeGreaterThan(3);
  });
});

describe("SOQL", () => {
  it("pages with nextRecordsUrl at Sforce-Query-Options batchSize and matches the manifest", async () => {
    const conn = await connect(tenant);
    const m = await manifest(tenant.id);
    const expectedIds = unit(m, "Contact").map((i) => i.id);
    expect(expectedIds.length).toBe(400);
    const pages: number[] = [];
    const ids: string[] = [];
    let page = await conn.request<{ done: boolean; totalSize: number; nextRecordsUrl?: string; records: { Id: string; Account: { Name: string } | null }[] }>({
      method: "GET",
      url: `/services/data/v${V}/query?q=${encodeURIComponent("SELECT Id, LastName, Account.Name FROM Contact ORDER BY LastName")}`,
      headers: { "Sforce-Query-Options": "batchSize=200" },
    });
    expect(page.totalSize).toBe(400);
    for (;;) {
      pages.push(page.records.length);
      ids.push(...page.records.map((r) => r.Id));
      expect(page.records.every((r) => typeof r.Account?.Name === "string")).toBe(true);
      if (page.done) break;
      expect(page.nextRecordsUrl).toMatch(new RegExp(`^/services/data/v${V}/query/01g\\w+-\\d+$`));
      page = await conn.request({ method: "GET", url: page.nextRecordsUrl ?? "", headers: { "Sforce-Query-Options": "batchSize=200" } });
    }
    expect(pages).toEqual([200, 200]);
    expect(new Set(ids)).toEqual(new Set(expectedIds));

    // jsforce's own paging (autoFetch) gets the same set.
    const all = await conn.query<{ Id: string }>("SELECT Id FROM Contact", { autoFetch: true, maxFetch: 10_000, headers: { "Sforce-Query-Options": "batchSize=200" } });
    expect(new Set(all.records.map((r) => r.Id))).toEqual(new Set(expectedIds));

    const bad = await failure(conn.query("SELECT Id, Bogus FROM Contact"));
    expect(errorCode(bad)).toBe("INVALID_FIELD");
    const malformed = await failure(conn.query("SELECT FROM Contact"));
    expect(errorCode(malformed)).toBe("MALFORMED_QUERY");
    const expired = await conn.request(`/services/data/v${V}/query/01gdeadbeefAAA-200`).catch((e: unknown) => e);
    expect(errorCode(expired)).toBe("INVALID_QUERY_LOCATOR");
  });

  it("filters on SystemModstamp and sees deletions only through queryAll", async () => {
    const org = await createOrg({ seed: 12, users: 2, itemsPerUser: 100 });
    const conn = await connect(org);
    const before = new Date(Date.now() - 1000).toISOString();
    const edited = (await h.control<{ touched: { unit: string; id: string }[] }>("POST", `/_control/tenants/${org.id}/mutations`, { kind: "edit", fraction: 0.3, seed: 1, units: ["Account"] })).body.touched.map((t) => t.id);
    expect(edited.length).toBeGreaterThan(0);
    const changed = await conn.query<{ Id: string }>(`SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > ${before} ORDER BY SystemModstamp`);
    expect(new Set(changed.records.map((r) => r.Id))).toEqual(new Set(edited));

    const deleted = (await h.control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${org.id}/mutations`, { kind: "delete", fraction: 0.2, seed: 2, units: ["Account"] })).body.touched.map((t) => t.id);
    const live = await conn.query<{ Id: string }>("SELECT Id FROM Account");
    expect(live.records.some((r) => deleted.includes(r.Id))).toBe(false);
    const bin = await conn.query<{ Id: string }>("SELECT Id, IsDeleted FROM Account WHERE IsDeleted = true", { scanAll: true });
    expect(new Set(bin.records.map((r) => r.Id))).toEqual(new Set(deleted));
  });
});

describe("replication: updated and deleted", () => {
  it("reports ids changed and deleted in a window, with the covered dates", async () => {
    const org = await createOrg({ seed: 13, users: 2, itemsPerUser: 100 });
    const conn = await connect(org);
    const start = new Date(Date.now() - 5 * 60_000);
    const edited = (await h.control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${org.id}/mutations`, { kind: "edit", fraction: 0.25, seed: 5, units: ["Opportunity"] })).body.touched.map((t) => t.id);
    const removed = (await h.control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${org.id}/mutations`, { kind: "delete", fraction: 0.25, seed: 6, units: ["Opportunity"] })).body.touched.map((t) => t.id);
    const end = new Date(Date.now() + 2 * 60_000);
    const updated = await conn.sobject("Opportunity").updated(start, end);
    // Deleted records are reported by `deleted`, not `updated`.
    expect(new Set(updated.ids)).toEqual(new Set(edited.filter((id) => !removed.includes(id))));
    expect(updated.latestDateCovered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000$/);
    const del = await conn.sobject("Opportunity").deleted(start, end);
    expect(new Set(del.deletedRecords.map((d) => d.id))).toEqual(new Set(removed));
    expect(Date.parse(del.earliestDateAvailable.replace("+0000", "Z"))).toBeLessThanOrEqual(Date.now());
    expect(del.latestDateCovered).toBeTruthy();
    // An empty window before the changes.
    const earlier = await conn.sobject("Opportunity").updated(new Date(Date.now() - 20 * 60_000), new Date(Date.now() - 10 * 60_000));
    expect(earlier.ids).toEqual([]);
    const tooOld = await conn.sobject("Opportunity").updated(new Date(Date.now() - 40 * 86_400_000), end).catch((e: unknown) => e);
    expect(errorCode(tooOld)).toBe("INVALID_REPLICATION_DATE");
  });
});

describe("daily API allowance", () => {
  it("counts every request in Sforce-Limit-Info and answers REQUEST_LIMIT_EXCEEDED past it", async () => {
    const org = await createOrg({ seed: 14, users: 1, itemsPerUser: 20, dailyApiRequests: 5 });
    const conn = await connect(org);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      await conn.query("SELECT Id FROM Account");
      seen.push(conn.limitInfo?.apiUsage?.used ?? -1);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const res = await fetch(`${conn.instanceUrl}/services/data/v${V}/limits`, { headers: { authorization: `Bearer ${conn.accessToken ?? ""}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get("sforce-limit-info")).toBe("api-usage=5/5");
    expect(((await res.json()) as { errorCode: string }[])[0]?.errorCode).toBe("REQUEST_LIMIT_EXCEEDED");
    const viaClient = await failure(conn.query("SELECT Id FROM Account"));
    expect(errorCode(viaClient)).toBe("REQUEST_LIMIT_EXCEEDED");
  });
});

describe("records and restore", () => {
  it("ORDER BY follows inserts, renames and deletes at once (the sorted order is cached only until the records change)", async () => {
    const org = await createOrg({ seed: 16, users: 1, itemsPerUser: 30 });
    const conn = await connect(org);
    const names = async () => (await conn.query<{ Name: string }>("SELECT Id, Name FROM Account ORDER BY Name")).records.map((r) => r.Name);
    const first = await names();
    expect(first).toEqual([...first].sort((a, b) => new Intl.Collator().compare(a, b)));
    const made = await conn.sobject("Account").create({ Name: "AAAA First By Name" });
    expect((await names())[0]).toBe("AAAA First By Name");
    await conn.sobject("Account").update({ Id: made.id ?? "", Name: "zzzz Last By Name" });
    expect((await names()).at(-1)).toBe("zzzz Last By Name");
    await conn.sobject("Account").destroy(made.id ?? "");
    expect(await names()).toEqual(first);
  });

  it("creates, reads, updates, upserts by external id and deletes", async () => {
    const org = await createOrg({ seed: 15, users: 1, itemsPerUser: 50 });
    const conn = await connect(org);
    const created = await conn.sobject("Account").create({ Name: "Restore Test Ltd", Industry: "Retail", External_Id__c: "EXT-1" });
    expect(created.success).toBe(true);
    const got = await conn.sobject("Account").retrieve(created.id ?? "");
    expect(got.Name).toBe("Restore Test Ltd");
    await conn.sobject("Account").update({ Id: created.id ?? "", Phone: "+1 555 0100" });
    expect((await conn.sobject("Account").retrieve(created.id ?? "")).Phone).toBe("+1 555 0100");
    const up = await conn.sobject("Account").upsert({ Name: "Restore Test Ltd", External_Id__c: "EXT-1", Phone: "+1 555 0101" }, "External_Id__c");
    expect(up).toMatchObject({ id: created.id, success: true, created: false });
    const fresh = await conn.sobject("Account").upsert({ Name: "Brand New", External_Id__c: "EXT-2" }, "External_Id__c");
    expect(fresh).toMatchObject({ success: true, created: true });
    const missing = await conn.sobject("Account").create({ Industry: "Retail" }).catch((e: unknown) => e);
    expect(errorCode(missing)).toBe("REQUIRED_FIELD_MISSING");
    const badRef = await conn.sobject("Contact").create({ LastName: "X", AccountId: "001000000000000AAA" }).catch((e: unknown) => e);
    expect(errorCode(badRef)).toBe("INVALID_CROSS_REFERENCE_KEY");
    await conn.sobject("Account").destroy(created.id ?? "");
    const gone = await conn.sobject("Account").retrieve(created.id ?? "").catch((e: unknown) => e);
    expect(errorCode(gone)).toBe("ENTITY_IS_DELETED");
  });

  it("restores deleted contacts through composite/sobjects with the same content", async () => {
    const org = await createOrg({ seed: 16, users: 2, itemsPerUser: 100 });
    const conn = await connect(org);
    const original = unit(await manifest(org.id), "Contact");
    const fields = ["AccountId", "FirstName", "LastName", "Email", "Phone", "Title", "Description", "External_Id__c", "OwnerId"];
    const backup = await conn.query<Record<string, unknown> & { Id: string }>(`SELECT Id, ${fields.join(", ")} FROM Contact ORDER BY Id LIMIT 30`);
    const ids = backup.records.map((r) => r.Id);
    const destroyed = await conn.sobject("Contact").destroy(ids);
    expect(destroyed.every((r) => r.success)).toBe(true);
    expect(unit(await manifest(org.id), "Contact")).toHaveLength(original.length - 30);

    // allOrNone: one bad record rolls the whole batch back.
    const bad = await conn.request<{ success: boolean; errors: { statusCode: string }[] }[]>({ method: "POST", url: `/services/data/v${V}/composite/sobjects`, body: JSON.stringify({ allOrNone: true, records: [{ attributes: { type: "Contact" }, LastName: "ok" }, { attributes: { type: "Contact" }, Bogus__c: 1 }] }), headers: { "content-type": "application/json" } });
    expect(bad.map((r) => r.errors[0]?.statusCode)).toEqual(["ALL_OR_NONE_OPERATION_ROLLED_BACK", "INVALID_FIELD"]);

    const records = backup.records.map((r) => {
      const rec: Record<string, unknown> = { attributes: { type: "Contact" } };
      for (const f of fields) rec[f] = r[f];
      return rec;
    });
    const restored = await conn.request<{ id: string; success: boolean }[]>({ method: "POST", url: `/services/data/v${V}/composite/sobjects`, body: JSON.stringify({ allOrNone: true, records }), headers: { "content-type": "application/json" } });
    expect(restored.every((r) => r.success)).toBe(true);
    expect(restored.map((r) => r.id).some((id) => ids.includes(id))).toBe(false);
    const after = unit(await manifest(org.id), "Contact");
    expect(after.map((i) => i.sha256).sort()).toEqual(original.map((i) => i.sha256).sort());
  });
});

describe("ContentVersion", () => {
  it("downloads VersionData whose SHA-256 and size match the manifest", async () => {
    const conn = await connect(tenant);
    const files = unit(await manifest(tenant.id), "ContentVersion");
    expect(files.length).toBe(50);
    const rows = await conn.query<{ Id: string; VersionData: string; ContentSize: number; Checksum: string; ContentDocumentId: string }>("SELECT Id, Title, VersionData, ContentSize, Checksum, ContentDocumentId FROM ContentVersion WHERE IsLatest = true");
    expect(rows.records).toHaveLength(50);
    for (const row of rows.records.slice(0, 10)) {
      expect(row.VersionData).toBe(`/services/data/v${V}/sobjects/ContentVersion/${row.Id}/VersionData`);
      const res = await fetch(`${conn.instanceUrl}${row.VersionData}`, { headers: { authorization: `Bearer ${conn.accessToken ?? ""}` } });
      const bytes = Buffer.from(await res.arrayBuffer());
      const item = files.find((f) => f.id === row.Id);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(item?.sha256);
      expect(bytes.length).toBe(row.ContentSize);
      expect(createHash("md5").update(bytes).digest("hex")).toBe(row.Checksum);
    }
    // A new file (base64 VersionData) round-trips byte for byte.
    const data = Buffer.from("col1,col2\r\n1,2\r\n");
    const made = await conn.sobject("ContentVersion").create({ Title: "restored.csv", PathOnClient: "restored.csv", VersionData: data.toString("base64") });
    const res = await fetch(`${conn.instanceUrl}/services/data/v${V}/sobjects/ContentVersion/${made.id ?? ""}/VersionData`, { headers: { authorization: `Bearer ${conn.accessToken ?? ""}` } });
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  });

  it("turns a ransomware mutation into new file versions with different bytes", async () => {
    const org = await createOrg({ seed: 17, users: 1, itemsPerUser: 100 });
    const before = unit(await manifest(org.id), "ContentVersion");
    const touched = (await h.control<{ touched: { id: string; newVersion: string }[] }>("POST", `/_control/tenants/${org.id}/mutations`, { kind: "ransomware", fraction: 1, seed: 9, units: ["ContentVersion"] })).body.touched;
    expect(touched.length).toBe(before.length);
    const after = unit(await manifest(org.id), "ContentVersion");
    for (const t of touched) {
      const old = after.find((i) => i.id === t.id);
      const next = after.find((i) => i.id === t.newVersion);
      expect(next?.sha256).not.toBe(old?.sha256);
    }
  });
});
