// The Microsoft identity platform: discovery + JWKS, the authorization-code flow with refresh and
// ID tokens, admin consent, the client-credentials grant and its errors, and what Graph lets each
// kind of token do.
import { GraphError } from "@microsoft/microsoft-graph-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, createMicrosoftTenant, delegatedToken, graphClient, registerMsApp, tokenRequest, type MsApp } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let app: MsApp;
const user = () => tenant.units[1]?.email ?? "";

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 41, users: 3, itemsPerUser: 12 });
  app = await registerMsApp(h);
});
afterAll(() => h.close());

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

describe("discovery", () => {
  it("publishes a tenant's OpenID configuration and the JWKS that verifies its ID tokens", async () => {
    const doc = (await (await fetch(`${h.url}/microsoft/${tenant.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(doc.issuer).toBe(`${h.url}/microsoft/${tenant.tenantId}/v2.0`);
    expect(doc.token_endpoint).toBe(`${h.url}/microsoft/${tenant.tenantId}/oauth2/v2.0/token`);
    expect(doc.authorization_endpoint).toBe(`${h.url}/microsoft/${tenant.tenantId}/oauth2/v2.0/authorize`);
    expect(doc.revocation_endpoint).toBeUndefined();
    const common = (await (await fetch(`${h.url}/microsoft/common/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(common.issuer).toBe(`${h.url}/microsoft/{tenantid}/v2.0`);
    // By domain too; unknown tenants are AADSTS90002.
    expect((await fetch(`${h.url}/microsoft/${tenant.domain}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    const unknown = await fetch(`${h.url}/microsoft/nosuch.onmicrosoft.com/oauth2/v2.0/token`, { method: "POST" });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);

    const tokens = await delegatedToken(h, tenant.tenantId, app, user(), ["openid", "profile", "offline_access", "Mail.Read"]);
    const { payload } = await jwtVerify(String(tokens.id_token), createRemoteJWKSet(new URL(doc.jwks_uri ?? "")), { issuer: doc.issuer, audience: app.clientId });
    expect(payload).toMatchObject({ tid: tenant.tenantId, preferred_username: user(), ver: "2.0", oid: tenant.units[1]?.id });
    const info = await fetch(doc.userinfo_endpoint ?? "", { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
    expect(info.status).toBe(200);
    expect(((await info.json()) as { preferred_username: string }).preferred_username).toBe(user());
  });
});

describe("authorization code flow", () => {
  it("shows a consent page, then issues refreshable tokens only with offline_access", async () => {
    const authorize = new URL(`${h.url}/microsoft/organizations/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({ client_id: app.clientId, response_type: "code", redirect_uri: app.redirectUri, scope: "User.Read Mail.Read", login_hint: user() })) authorize.searchParams.set(k, v);
    const page = await fetch(authorize);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain(user());
    expect(html).toContain("https://graph.microsoft.com/Mail.Read");

    const withRefresh = await delegatedToken(h, tenant.tenantId, app, user(), ["offline_access", "Mail.Read"]);
    expect(typeof withRefresh.refresh_token).toBe("string");
    const refreshed = await tokenRequest(h, tenant.tenantId, { grant_type: "refresh_token", client_id: app.clientId, client_secret: app.clientSecret, refresh_token: String(withRefresh.refresh_token) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(withRefresh.access_token);
    const without = await delegatedToken(h, tenant.tenantId, app, user(), ["Mail.Read"]);
    expect(without.refresh_token).toBeUndefined();

    const badSecret = await tokenRequest(h, tenant.tenantId, { grant_type: "refresh_token", client_id: app.clientId, client_secret: "wrong", refresh_token: String(withRefresh.refresh_token) });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(String(badSecret.body.error_description)).toMatch(/^AADSTS7000215:/);
  });

  it("lets a delegated token read its own mailbox and nobody else's", async () => {
    const tokens = await delegatedToken(h, tenant.tenantId, app, user(), ["User.Read", "Mail.Read"]);
    const client = graphClient(h, String(tokens.access_token));
    expect(((await client.api("/me").get()) as { userPrincipalName: string }).userPrincipalName).toBe(user());
    expect(((await client.api("/me/mailFolders/inbox").get()) as { displayName: string }).displayName).toBe("Inbox");
    const denied = await graphError(client.api(`/users/${tenant.adminEmail}/mailFolders`).get());
    expect(denied.statusCode).toBe(403);
    expect(denied.code).toBe("ErrorAccessDenied");
    // User.Read does not list the directory.
    expect((await graphError(client.api("/users").get())).code).toBe("Authorization_RequestDenied");
  });
});

describe("admin consent and client credentials", () => {
  it("refuses an app no admin consented to, then issues app-only tokens after admin consent", async () => {
    const fresh = await registerMsApp(h, ["User.Read.All", "Mail.Read"]);
    const before = await tokenRequest(h, tenant.tenantId, { grant_type: "client_credentials", client_id: fresh.clientId, client_secret: fresh.clientSecret, scope: "https://graph.microsoft.com/.default" });
    expect(before.status).toBe(400);
    expect(before.body).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });

    const denied = await adminConsent(h, tenant.tenantId, fresh, "deny");
    expect(denied.searchParams.get("error")).toBe("access_denied");
    const approved = await adminConsent(h, tenant.domain, fresh);
    expect(Object.fromEntries(approved.searchParams)).toMatchObject({ admin_consent: "True", tenant: tenant.tenantId, state: "st-1" });

    const noDefault = await tokenRequest(h, tenant.tenantId, { grant_type: "client_credentials", client_id: fresh.clientId, client_secret: fresh.clientSecret, scope: "https://graph.microsoft.com/Mail.Read" });
    expect(noDefault.body).toMatchObject({ error: "invalid_scope", error_codes: [1002012] });
    const common = await tokenRequest(h, "common", { grant_type: "client_credentials", client_id: fresh.clientId, client_secret: fresh.clientSecret, scope: "https://graph.microsoft.com/.default" });
    expect(common.status).toBe(400);

    const ok = await tokenRequest(h, tenant.tenantId, { grant_type: "client_credentials", client_id: fresh.clientId, client_secret: fresh.clientSecret, scope: "https://graph.microsoft.com/.default" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(ok.body.refresh_token).toBeUndefined();

    const client = graphClient(h, String(ok.body.access_token));
    expect(((await client.api(`/users/${user()}/mailFolders/inbox`).get()) as { displayName: string }).displayName).toBe("Inbox");
    const me = await graphError(client.api("/me").get());
    expect(me.statusCode).toBe(400);
    expect(me.message).toContain("/me request is only valid with delegated authentication flow");
  });

  it("grants only the app's roles: a files-only app cannot read mail", async () => {
    const filesOnly = await registerMsApp(h, ["Files.Read.All"]);
    await adminConsent(h, tenant.tenantId, filesOnly);
    const client = graphClient(h, await appToken(h, tenant.tenantId, filesOnly));
    const err = await graphError(client.api(`/users/${user()}/messages`).get());
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("ErrorAccessDenied");
    const noToken = await graphError(graphClient(h, "not-a-token").api("/users").get());
    expect(noToken.statusCode).toBe(401);
    expect(noToken.code).toBe("InvalidAuthenticationToken");
  });

  it("stops every token when the tenant's admin removes the app", async () => {
    await adminConsent(h, tenant.tenantId, app);
    const client = graphClient(h, await appToken(h, tenant.tenantId, app));
    expect(((await client.api("/users").get()) as { value: unknown[] }).value).toHaveLength(3);
    await h.control("POST", `/_control/tenants/${tenant.id}/revoke-tokens`);
    expect((await graphError(client.api("/users").get())).statusCode).toBe(401);
  });
});
