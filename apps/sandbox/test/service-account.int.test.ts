// Domain-wide delegation through google-auth-library's JWT client (and GoogleAuth loading the
// key file from disk), and the Admin SDK Directory users.list / users.get through googleapis.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleAuth, type JWT } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceAccountKeyFile, TenantSummary } from "../src/index";
import { directory, gmail, httpStatus, redirectGoogleHosts, serviceAccountClient, startSandbox, userToken, type Harness } from "./harness";

const READONLY = "https://www.googleapis.com/auth/gmail.readonly";
const DIRECTORY = "https://www.googleapis.com/auth/admin.directory.user.readonly";

let h: Harness;
let tenant: TenantSummary;
let key: ServiceAccountKeyFile;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 21, users: 7, itemsPerUser: 5 });
  const res = await h.control<ServiceAccountKeyFile>("POST", `/_control/tenants/${tenant.id}/service-accounts`, { delegatedScopes: [READONLY, DIRECTORY] });
  expect(res.status).toBe(201);
  key = res.body;
});
afterAll(() => h.close());

describe("service-account JWT bearer grant", () => {
  it("issues a key file that points at the sandbox", () => {
    expect(key.type).toBe("service_account");
    expect(key.token_uri).toBe(`${h.url}/google/token`);
    expect(key.private_key).toContain("BEGIN PRIVATE KEY");
  });

  it("acts as any user of the domain with sub (domain-wide delegation)", async () => {
    for (const unit of tenant.units.slice(0, 3)) {
      const jwt = serviceAccountClient(h.url, key, { scopes: [READONLY], subject: unit.email });
      const profile = await gmail(h.url, jwt).users.getProfile({ userId: "me" });
      expect(profile.data.emailAddress).toBe(unit.email);
      expect(profile.data.messagesTotal).toBe(5);
    }
  });

  it("works with GoogleAuth loading the key file from disk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbx-"));
    const keyFile = join(dir, "key.json");
    writeFileSync(keyFile, JSON.stringify(key));
    const auth = new GoogleAuth({ keyFile, scopes: [READONLY], clientOptions: { subject: tenant.adminEmail } });
    const client = (await auth.getClient()) as JWT;
    redirectGoogleHosts(client, h.url);
    expect((await gmail(h.url, client).users.labels.list({ userId: "me" })).data.labels?.length).toBeGreaterThan(14);
  });

  it("refuses scopes the admin did not delegate", async () => {
    const jwt = serviceAccountClient(h.url, key, { scopes: ["https://mail.google.com/"], subject: tenant.adminEmail });
    await expect(jwt.authorize()).rejects.toThrow(/unauthorized_client/);
  });

  it("refuses an unknown user and an assertion signed with another key", async () => {
    await expect(serviceAccountClient(h.url, key, { scopes: [READONLY], subject: `nobody@${tenant.domain}` }).authorize()).rejects.toThrow(/Invalid email or User ID/);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const forged = serviceAccountClient(h.url, { ...key, private_key: other }, { scopes: [READONLY], subject: tenant.adminEmail });
    await expect(forged.authorize()).rejects.toThrow(/Invalid JWT Signature/);
  });

  it("a token without sub owns no mailbox (failedPrecondition)", async () => {
    const jwt = serviceAccountClient(h.url, key, { scopes: [READONLY] });
    const err: unknown = await gmail(h.url, jwt).users.getProfile({ userId: "me" }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(400);
    expect((err as Error).message).toBe("Precondition check failed.");
  });
});

describe("Directory users", () => {
  it("lists every user across pages, in e-mail order", async () => {
    const admin = directory(h.url, serviceAccountClient(h.url, key, { scopes: [DIRECTORY], subject: tenant.adminEmail }));
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await admin.users.list({ customer: "my_customer", maxResults: 3, pageToken });
      expect(res.data.kind).toBe("admin#directory#users");
      expect(res.data.users?.length).toBeLessThanOrEqual(3);
      seen.push(...(res.data.users ?? []).map((u) => u.primaryEmail ?? ""));
      pageToken = res.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(tenant.units.map((u) => u.email).sort());
    const one = await admin.users.get({ userKey: tenant.adminEmail });
    expect(one.data).toMatchObject({ primaryEmail: tenant.adminEmail, isAdmin: true, id: tenant.units[0]?.id });
    const byDomain = await admin.users.list({ domain: tenant.domain, orderBy: "familyName", maxResults: 500 });
    expect(byDomain.data.users).toHaveLength(7);
    expect(byDomain.data.nextPageToken).toBeUndefined();
  });

  it("needs customer or domain, and an admin caller", async () => {
    const admin = directory(h.url, serviceAccountClient(h.url, key, { scopes: [DIRECTORY], subject: tenant.adminEmail }));
    await expect(admin.users.list({}, { retry: false })).rejects.toMatchObject({ status: 400 });
    await expect(admin.users.list({ domain: "other.example.com" }, { retry: false })).rejects.toMatchObject({ status: 403 });
    const member = tenant.units[1]?.email ?? "";
    const memberToken = await userToken(h, member, [DIRECTORY]);
    const err: unknown = await directory(h.url, memberToken).users.list({ customer: "my_customer" }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(403);
    expect((err as Error).message).toBe("Not Authorized to access this resource/api");
  });
});
