// The "revoked token" and "expired cursor" fault kinds through the official clients: each SDK
// surfaces the provider's own error (googleapis' GaxiosError with Google's envelope, the Graph
// client's GraphError, jsforce's errorCode), only on the requests the kind applies to, at the
// rule's rate and only for the targeted tenant.
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { google } from "googleapis";
import { OAuth2Client } from "google-auth-library";
import { Connection, OAuth2 } from "jsforce";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp, tokenRequest } from "./graph-harness";
import { consent, googleRoot, startSandbox, userToken, type Harness } from "./harness";

const G = "https://www.googleapis.com/auth/";
const SCOPES = [`${G}gmail.readonly`, `${G}calendar.readonly`, `${G}contacts.readonly`, `${G}drive.readonly`];
const SF_REDIRECT = "http://localhost:3000/api/auth/callback/salesforce";

let h: Harness;
let gTenant: TenantSummary;
let gOther: TenantSummary;
let auth: OAuth2Client;
let ms: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let graph: Client;
let sf: TenantSummary;

interface GoogleFailure {
  status: number;
  error?: { status?: string; errors?: { reason?: string }[]; details?: { reason?: string }[] } | string;
  description?: string;
}

async function googleFailure(p: Promise<unknown>): Promise<GoogleFailure | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    const res = (e as { response?: { status: number; data: { error?: GoogleFailure["error"]; error_description?: string } } }).response;
    if (!res) throw e;
    return { status: res.status, error: res.data.error, description: res.data.error_description };
  }
}

async function graphFailure(p: Promise<unknown>): Promise<{ status: number; code: string | null } | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof GraphError) return { status: e.statusCode, code: e.code };
    throw e;
  }
}

async function rule(input: Record<string, unknown>): Promise<string> {
  const res = await h.control<{ rules: { id: string }[] }>("POST", "/_control/faults", input);
  expect(res.status).toBe(201);
  return res.body.rules[0]?.id ?? "";
}
async function injected(id: string): Promise<number | undefined> {
  return (await h.control<{ rules: { id: string; injected: number }[] }>("GET", "/_control/faults")).body.rules.find((r) => r.id === id)?.injected;
}

/** A googleapis client authorized by a bare access token: no refresh token to fall back on. */
function bareAccess(token: string): OAuth2Client {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token });
  return c;
}

beforeAll(async () => {
  h = await startSandbox();
  gTenant = await h.createTenant({ seed: 91, users: 2, itemsPerUser: 12 });
  gOther = await h.createTenant({ seed: 92, users: 1, itemsPerUser: 5 });
  auth = await userToken(h, gTenant.adminEmail, SCOPES);
  ms = await createMicrosoftTenant(h, { seed: 93, users: 2, itemsPerUser: 12 });
  const app = await registerMsApp(h);
  await adminConsent(h, ms.tenantId, app);
  graph = graphClient(h, await appToken(h, ms.tenantId, app));
  const res = await h.control<TenantSummary>("POST", "/_control/tenants", { provider: "salesforce", seed: 94, users: 1, itemsPerUser: 10 });
  sf = res.body;
});
afterEach(async () => {
  await h.control("DELETE", "/_control/faults");
});
afterAll(() => h.close());

describe("revoked token", () => {
  it("Google: API calls get 401 UNAUTHENTICATED, and the refresh googleapis then attempts gets invalid_grant", async () => {
    const gmail = google.gmail({ version: "v1", auth: bareAccess(auth.credentials.access_token ?? ""), rootUrl: googleRoot(h.url) });
    const expiring = await userToken(h, gTenant.adminEmail, SCOPES);
    const id = await rule({ provider: "google", kind: "revokedToken", path: "/gmail/**" });
    const bare = await googleFailure(gmail.users.labels.list({ userId: "me" }, { retry: false }));
    expect(bare).toMatchObject({ status: 401, error: { status: "UNAUTHENTICATED", errors: [{ reason: "authError" }] } });
    // With a refresh token, google-auth-library refreshes an expired access token first: a revoked grant fails there.
    const tokenRule = await rule({ provider: "google", kind: "revokedToken", path: "/google/token" });
    expiring.setCredentials({ ...expiring.credentials, expiry_date: Date.now() - 1000 });
    const refreshing = google.gmail({ version: "v1", auth: expiring, rootUrl: googleRoot(h.url) });
    const refreshed = await googleFailure(refreshing.users.labels.list({ userId: "me" }, { retry: false }));
    expect(refreshed).toMatchObject({ status: 400, error: "invalid_grant", description: "Token has been expired or revoked." });
    expect(await injected(id)).toBe(1);
    expect(await injected(tokenRule)).toBe(1);
    // The token itself was never revoked: without the rules everything works again.
    await h.control("DELETE", "/_control/faults");
    expect((await refreshing.users.labels.list({ userId: "me" }, { retry: false })).status).toBe(200);
  });

  it("Google: hits only the targeted tenant, and unauthenticated requests never", async () => {
    const otherAuth = await userToken(h, gOther.adminEmail, SCOPES);
    const id = await rule({ kind: "revokedToken", tenant: gOther.domain });
    const mine = google.gmail({ version: "v1", auth: bareAccess(auth.credentials.access_token ?? ""), rootUrl: googleRoot(h.url) });
    const theirs = google.gmail({ version: "v1", auth: bareAccess(otherAuth.credentials.access_token ?? ""), rootUrl: googleRoot(h.url) });
    expect(await googleFailure(mine.users.getProfile({ userId: "me" }, { retry: false }))).toBe("ok");
    expect(await googleFailure(theirs.users.getProfile({ userId: "me" }, { retry: false }))).toMatchObject({ status: 401 });
    expect((await fetch(`${h.url}/google/.well-known/openid-configuration`)).status).toBe(200);
    expect(await injected(id)).toBe(1);
  });

  it("Graph: 401 InvalidAuthenticationToken on API calls, 400 invalid_grant (AADSTS700082) on the token endpoint", async () => {
    await rule({ provider: "microsoft", kind: "revokedToken", path: "/microsoft/graph/**" });
    expect(await graphFailure(graph.api(`/users/${ms.adminEmail}/mailFolders`).get())).toEqual({ status: 401, code: "InvalidAuthenticationToken" });
    await rule({ provider: "microsoft", kind: "revokedToken", path: "/microsoft/*/oauth2/v2.0/token" });
    const res = await tokenRequest(h, ms.tenantId, { grant_type: "refresh_token", client_id: "x", refresh_token: "y" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_grant", error_codes: [700082] });
  });

  it("Salesforce: jsforce gets INVALID_SESSION_ID (401), and a refresh gets invalid_grant", async () => {
    const client = (await h.control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "salesforce", redirectUris: [SF_REDIRECT] })).body;
    const oauth = new OAuth2({ loginUrl: `${h.url}/salesforce`, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: SF_REDIRECT });
    const { code } = await consent(oauth.getAuthorizationUrl({ scope: "api refresh_token", login_hint: sf.adminEmail }));
    const authorized = new Connection({ oauth2: oauth, version: "62.0" });
    await authorized.authorize(code);
    const bare = new Connection({ instanceUrl: authorized.instanceUrl, accessToken: authorized.accessToken ?? "", version: "62.0" });
    await rule({ provider: "salesforce", kind: "revokedToken", path: "/salesforce/services/data/**", times: 1 });
    const err = (await Promise.resolve(bare.query("SELECT Id FROM Account")).then(() => undefined, (e: unknown) => e)) as { errorCode?: string; name?: string };
    expect(err.errorCode ?? err.name).toBe("INVALID_SESSION_ID");
    expect((await bare.query("SELECT Id FROM Account")).totalSize).toBeGreaterThan(0);
    await rule({ provider: "salesforce", kind: "revokedToken", path: "/salesforce/services/oauth2/token" });
    const refresh = (await oauth.refreshToken(authorized.refreshToken ?? "").catch((e: unknown) => e)) as Error;
    expect(refresh).toBeInstanceOf(Error);
    expect(`${refresh.name} ${refresh.message}`).toContain("invalid_grant");
  });
});

describe("expired cursor", () => {
  it("Google: each change API answers its own resync error; other requests pass", async () => {
    const gmail = google.gmail({ version: "v1", auth, rootUrl: googleRoot(h.url) });
    const calendar = google.calendar({ version: "v3", auth, rootUrl: googleRoot(h.url) });
    const people = google.people({ version: "v1", auth, rootUrl: googleRoot(h.url) });
    const drive = google.drive({ version: "v3", auth, rootUrl: googleRoot(h.url) });
    const historyId = (await gmail.users.getProfile({ userId: "me" })).data.historyId ?? "";
    const calSync = (await calendar.events.list({ calendarId: "primary", maxResults: 2500 })).data.nextSyncToken ?? "";
    const peopleSync = (await people.people.connections.list({ resourceName: "people/me", personFields: "names", pageSize: 1000, requestSyncToken: true })).data.nextSyncToken ?? "";
    const driveToken = (await drive.changes.getStartPageToken({})).data.startPageToken ?? "";
    expect([historyId, calSync, peopleSync, driveToken].every(Boolean)).toBe(true);

    const id = await rule({ provider: "google", kind: "expiredCursor" });
    expect(await googleFailure(gmail.users.history.list({ userId: "me", startHistoryId: historyId }, { retry: false }))).toMatchObject({ status: 404, error: { errors: [{ reason: "notFound" }] } });
    expect(await googleFailure(calendar.events.list({ calendarId: "primary", syncToken: calSync }, { retry: false }))).toMatchObject({ status: 410, error: { errors: [{ reason: "fullSyncRequired" }] } });
    expect(await googleFailure(people.people.connections.list({ resourceName: "people/me", personFields: "names", syncToken: peopleSync }, { retry: false }))).toMatchObject({ status: 400, error: { status: "FAILED_PRECONDITION", details: [{ reason: "EXPIRED_SYNC_TOKEN" }] } });
    expect(await googleFailure(drive.changes.list({ pageToken: driveToken }, { retry: false }))).toMatchObject({ status: 400, error: { errors: [{ reason: "invalid" }] } });
    expect(await injected(id)).toBe(4);
    // Full listings carry no cursor: untouched, and they are how a client recovers.
    expect(await googleFailure(gmail.users.messages.list({ userId: "me" }, { retry: false }))).toBe("ok");
    expect(await googleFailure(calendar.events.list({ calendarId: "primary" }, { retry: false }))).toBe("ok");
    expect(await googleFailure(people.people.connections.list({ resourceName: "people/me", personFields: "names", requestSyncToken: true }, { retry: false }))).toBe("ok");
    expect(await injected(id)).toBe(4);
    // Nothing expired for real: without the rule the same cursors work.
    await h.control("DELETE", "/_control/faults");
    expect(await googleFailure(gmail.users.history.list({ userId: "me", startHistoryId: historyId }, { retry: false }))).toBe("ok");
  });

  it("fires at its rate, deterministically", async () => {
    const gmail = google.gmail({ version: "v1", auth, rootUrl: googleRoot(h.url) });
    const historyId = (await gmail.users.getProfile({ userId: "me" })).data.historyId ?? "";
    const run = async () => {
      await h.control("DELETE", "/_control/faults");
      const id = await rule({ kind: "expiredCursor", rate: 0.4, seed: 7 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) outcomes.push((await googleFailure(gmail.users.history.list({ userId: "me", startHistoryId: historyId }, { retry: false }))) !== "ok");
      expect(outcomes.filter(Boolean).length).toBe(await injected(id));
      return outcomes;
    };
    const first = await run();
    const n = first.filter(Boolean).length;
    expect(n).toBeGreaterThan(2);
    expect(n).toBeLessThan(18);
    expect(await run()).toEqual(first);
  });

  it("Graph: mail delta links get 410 syncStateNotFound, OneDrive delta links 410 resyncRequired", async () => {
    const upn = ms.adminEmail;
    const mail = await collectPages(graph, `/users/${upn}/mailFolders/inbox/messages/delta`);
    const mailLink = String(mail.last["@odata.deltaLink"]);
    const files = await collectPages(graph, `/users/${upn}/drive/root/delta`);
    const driveLink = String(files.last["@odata.deltaLink"]);
    const id = await rule({ kind: "expiredCursor", tenant: ms.tenantId });
    expect(await graphFailure(graph.api(mailLink).get())).toEqual({ status: 410, code: "syncStateNotFound" });
    expect(await graphFailure(graph.api(driveLink).get())).toEqual({ status: 410, code: "resyncRequired" });
    // A first round (no token) is how the client starts over: untouched.
    expect(await graphFailure(graph.api(`/users/${upn}/mailFolders/inbox/messages/delta`).get())).toBe("ok");
    expect(await injected(id)).toBe(2);
  });

  it("Salesforce: sobjects updated/deleted get INVALID_REPLICATION_DATE; queries pass", async () => {
    const client = (await h.control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "salesforce", redirectUris: [SF_REDIRECT] })).body;
    const oauth = new OAuth2({ loginUrl: `${h.url}/salesforce`, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: SF_REDIRECT });
    const { code } = await consent(oauth.getAuthorizationUrl({ scope: "api", login_hint: sf.adminEmail }));
    const conn = new Connection({ oauth2: oauth, version: "62.0" });
    await conn.authorize(code);
    const start = new Date(Date.now() - 60_000);
    const end = new Date(Date.now() + 60_000);
    expect((await conn.sobject("Account").updated(start, end)).ids).toBeDefined();
    await rule({ provider: "salesforce", kind: "expiredCursor" });
    for (const call of [conn.sobject("Account").updated(start, end), conn.sobject("Account").deleted(start, end)]) {
      const err = (await call.catch((e: unknown) => e)) as { errorCode?: string };
      expect(err.errorCode).toBe("INVALID_REPLICATION_DATE");
    }
    expect((await conn.query("SELECT Id FROM Account")).totalSize).toBeGreaterThan(0);
  });
});
