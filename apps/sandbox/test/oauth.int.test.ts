// The Google authorization server through google-auth-library's OAuth2Client and plain fetch:
// code flow (consent header and consent page), PKCE, refresh, revocation, OIDC discovery, JWKS.
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { consent, gmail, httpStatus, oauthClient, REDIRECT, registerClient, startSandbox, userToken, type Harness } from "./harness";

const MAIL = "https://mail.google.com/";
const READONLY = "https://www.googleapis.com/auth/gmail.readonly";

let h: Harness;
let tenant: TenantSummary;

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 11, users: 3, itemsPerUser: 20 });
});
afterAll(() => h.close());

describe("OIDC discovery and keys", () => {
  it("publishes a discovery document whose endpoints and JWKS verify the ID token", async () => {
    const doc = (await (await fetch(`${h.url}/google/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(doc.issuer).toBe(`${h.url}/google`);
    expect(doc.token_endpoint).toBe(`${h.url}/google/token`);
    const client = oauthClient(h.url, await registerClient(h));
    const { code } = await consent(client.generateAuthUrl({ scope: ["openid", "email", "profile"], login_hint: tenant.adminEmail, nonce: "n-1" }));
    const { tokens } = await client.getToken(code);
    expect(tokens.id_token).toBeTruthy();
    const jwks = createRemoteJWKSet(new URL(doc.jwks_uri ?? ""));
    const { payload } = await jwtVerify(tokens.id_token ?? "", jwks, { issuer: doc.issuer, audience: client._clientId });
    expect(payload).toMatchObject({ email: tenant.adminEmail, email_verified: true, hd: tenant.domain, nonce: "n-1" });
    // google-auth-library's own verification (PEM certs endpoint) accepts it too.
    const ticket = await client.verifyIdToken({ idToken: tokens.id_token ?? "", audience: client._clientId });
    expect(ticket.getPayload()?.email).toBe(tenant.adminEmail);
    // userinfo with the access token
    const info = (await (await fetch(doc.userinfo_endpoint ?? "", { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ email: tenant.adminEmail, sub: payload.sub });
  });
});

describe("authorization-code flow", () => {
  it("issues a refresh token for access_type=offline, refreshes, and the API accepts both tokens", async () => {
    const client = oauthClient(h.url, await registerClient(h));
    const url = client.generateAuthUrl({ access_type: "offline", scope: [MAIL], login_hint: tenant.adminEmail, state: "st-1" });
    const { code, location } = await consent(url);
    expect(location.searchParams.get("state")).toBe("st-1");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    const { tokens } = await client.getToken(code);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toBe(MAIL);
    client.setCredentials(tokens);
    const first = await gmail(h.url, client).users.getProfile({ userId: "me" });
    expect(first.data.emailAddress).toBe(tenant.adminEmail);

    // Only the refresh token: the client refreshes by itself before calling.
    const later = oauthClient(h.url, { clientId: client._clientId ?? "", clientSecret: client._clientSecret ?? "", redirectUri: REDIRECT });
    later.setCredentials({ refresh_token: tokens.refresh_token });
    const again = await gmail(h.url, later).users.getProfile({ userId: "me" });
    expect(again.data.emailAddress).toBe(tenant.adminEmail);
    expect(later.credentials.access_token).not.toBe(tokens.access_token);
  });

  it("does not issue a refresh token for an online request, and a code works once", async () => {
    const client = oauthClient(h.url, await registerClient(h));
    const { code } = await consent(client.generateAuthUrl({ scope: [MAIL], login_hint: tenant.adminEmail }));
    const { tokens } = await client.getToken(code);
    expect(tokens.refresh_token).toBeUndefined();
    await expect(client.getToken(code)).rejects.toThrow(/invalid_grant/);
  });

  it("checks PKCE (S256)", async () => {
    const client = oauthClient(h.url, await registerClient(h));
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({ scope: [MAIL], login_hint: tenant.adminEmail, code_challenge: codeChallenge, code_challenge_method: "S256" as never });
    const wrong = await consent(url);
    await expect(client.getToken({ code: wrong.code, codeVerifier: `${codeVerifier}x` })).rejects.toThrow(/invalid_grant/);
    const right = await consent(url);
    const { tokens } = await client.getToken({ code: right.code, codeVerifier });
    expect(tokens.access_token).toMatch(/^ya29\./);
  });

  it("rejects a wrong client secret and an unregistered redirect URI", async () => {
    const creds = await registerClient(h);
    const bad = oauthClient(h.url, { ...creds, clientSecret: "nope" });
    const { code } = await consent(bad.generateAuthUrl({ scope: [MAIL], login_hint: tenant.adminEmail }));
    await expect(bad.getToken(code)).rejects.toMatchObject({ status: 401 });
    const res = await fetch(oauthClient(h.url, { ...creds, redirectUri: "http://evil.example/cb" }).generateAuthUrl({ scope: [MAIL] }), {
      headers: { "x-sandbox-consent": "approve" },
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("redirect_uri_mismatch");
  });

  it("serves a consent page whose form yields a code, and a denial yields access_denied", async () => {
    const client = oauthClient(h.url, await registerClient(h));
    const url = client.generateAuthUrl({ scope: [READONLY], hd: tenant.domain, state: "s" });
    const page = await fetch(url);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("<form");
    for (const u of tenant.units) expect(html).toContain(u.email ?? "");
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1] ?? ""] = (m[2] ?? "").replace(/&amp;/g, "&");
    const member = tenant.units[1]?.email ?? "";
    const post = (decision: string) =>
      fetch(`${h.url}${action}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...fields, subject: member, decision }) });
    const approved = await post("approve");
    expect(approved.status).toBe(302);
    const code = new URL(approved.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const { tokens } = await client.getToken(code);
    client.setCredentials(tokens);
    expect((await gmail(h.url, client).users.getProfile({ userId: "me" })).data.emailAddress).toBe(member);
    const denied = await post("deny");
    expect(new URL(denied.headers.get("location") ?? "").searchParams.get("error")).toBe("access_denied");
  });
});

describe("revocation", () => {
  it("a revoked access token gets 401 and its refresh token stops working", async () => {
    const client = await userToken(h, tenant.adminEmail, [MAIL]);
    const api = gmail(h.url, client);
    await api.users.getProfile({ userId: "me" });
    const { access_token, refresh_token } = client.credentials;
    await client.revokeToken(access_token ?? "");
    const probe = oauthClient(h.url, { clientId: client._clientId ?? "", clientSecret: client._clientSecret ?? "", redirectUri: REDIRECT });
    probe.setCredentials({ access_token });
    const err: unknown = await gmail(h.url, probe).users.getProfile({ userId: "me" }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(401);
    expect((err as { response: { data: { error: { status: string } } } }).response.data.error.status).toBe("UNAUTHENTICATED");
    probe.setCredentials({ refresh_token });
    await expect(probe.refreshAccessToken()).rejects.toThrow(/invalid_grant/);
  });

  it("the control API can revoke every token of a tenant (admin removed the app)", async () => {
    const client = await userToken(h, tenant.adminEmail, [MAIL]);
    await h.control("POST", `/_control/tenants/${tenant.id}/revoke-tokens`);
    client.setCredentials({ access_token: client.credentials.access_token });
    await expect(gmail(h.url, client).users.getProfile({ userId: "me" }, { retry: false })).rejects.toMatchObject({ status: 401 });
  });
});

describe("token checks on the APIs", () => {
  it("requires a bearer token", async () => {
    const res = await fetch(`${h.url}/gmail/v1/users/me/profile`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("enforces the method's scopes", async () => {
    const client = await userToken(h, tenant.adminEmail, ["openid", "email"]);
    const err: unknown = await gmail(h.url, client).users.messages.list({ userId: "me" }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(403);
    expect((err as { response: { data: { error: { errors: { reason: string }[] } } } }).response.data.error.errors[0]?.reason).toBe("insufficientPermissions");
    const readonly = await userToken(h, tenant.adminEmail, [READONLY]);
    const insert = await gmail(h.url, readonly)
      .users.messages.insert({ userId: "me", requestBody: { raw: Buffer.from("Subject: x\r\n\r\nbody").toString("base64url") } }, { retry: false })
      .catch((e: unknown) => e);
    expect(httpStatus(insert)).toBe(403);
  });

  it("binds a user token to its user", async () => {
    const client = await userToken(h, tenant.adminEmail, [MAIL]);
    const other = tenant.units[2]?.email ?? "";
    const err: unknown = await gmail(h.url, client).users.getProfile({ userId: other }, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(403);
    expect((err as Error).message).toContain(`Delegation denied for ${other}`);
    expect((await gmail(h.url, client).users.getProfile({ userId: tenant.adminEmail })).data.emailAddress).toBe(tenant.adminEmail);
  });

  it("serves tokeninfo for google-auth-library's getTokenInfo", async () => {
    const client = await userToken(h, tenant.adminEmail, [READONLY]);
    const info = await client.getTokenInfo(client.credentials.access_token ?? "");
    expect(info.scopes).toEqual([READONLY]);
    expect(info.email).toBe(tenant.adminEmail);
  });
});
