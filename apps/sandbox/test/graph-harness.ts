// Microsoft 365 helpers for the integration suites: tenants and app registrations through the
// control API, tokens through the identity platform's real endpoints (plain fetch, as a
// connector's token client would post them), and the official Graph client pointed at the
// sandbox's HTTPS listener by base URL + customHosts only.
//
// Why not @azure/identity: its releases for Node 20 (≤ 4.13) go through MSAL, which insists on an
// https authority and fetches it with its own HTTP client, so it would need the sandbox CA in the
// process at start (NODE_EXTRA_CA_CERTS) and instance-discovery turned off; the token requests
// it would send are the same form posts these helpers make.
import { Client, type Options } from "@microsoft/microsoft-graph-client";
import { Agent } from "undici";
import type { TenantSummary } from "../src/index";
import type { Harness } from "./harness";

export interface MsApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export const MS_REDIRECT = "http://localhost:3000/api/auth/callback/azure-ad";

export async function createMicrosoftTenant(h: Harness, input: { seed: number; users: number; itemsPerUser: number; historyRetention?: number }): Promise<TenantSummary & { tenantId: string }> {
  const res = await h.control<TenantSummary & { tenantId: string }>("POST", "/_control/tenants", { provider: "microsoft", ...input });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function registerMsApp(h: Harness, appRoles?: string[]): Promise<MsApp> {
  const res = await h.control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "microsoft", redirectUris: [MS_REDIRECT], ...(appRoles ? { appRoles } : {}) });
  if (res.status !== 201) throw new Error(`app registration failed: ${res.status}`);
  return { clientId: res.body.clientId, clientSecret: res.body.clientSecret, redirectUri: MS_REDIRECT };
}

/** The admin-consent redirect a Global Administrator's approval produces (X-Sandbox-Consent). */
export async function adminConsent(h: Harness, tenant: string, app: MsApp, decision: "approve" | "deny" = "approve"): Promise<URL> {
  const u = new URL(`${h.url}/microsoft/${tenant}/v2.0/adminconsent`);
  u.searchParams.set("client_id", app.clientId);
  u.searchParams.set("redirect_uri", app.redirectUri);
  u.searchParams.set("scope", "https://graph.microsoft.com/.default");
  u.searchParams.set("state", "st-1");
  const res = await fetch(u, { headers: { "x-sandbox-consent": decision }, redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`expected a redirect, got ${res.status}: ${await res.text()}`);
  return new URL(location);
}

export async function tokenRequest(h: Harness, tenant: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.url}/microsoft/${tenant}/oauth2/v2.0/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Client-credentials token for an app an admin consented to. */
export async function appToken(h: Harness, tenantId: string, app: MsApp): Promise<string> {
  const res = await tokenRequest(h, tenantId, { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret, scope: "https://graph.microsoft.com/.default" });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.access_token);
}

/** A delegated token through the authorization-code flow (consent by header). */
export async function delegatedToken(h: Harness, tenantId: string, app: MsApp, upn: string, scopes: string[]): Promise<Record<string, unknown>> {
  const u = new URL(`${h.url}/microsoft/${tenantId}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({ client_id: app.clientId, response_type: "code", redirect_uri: app.redirectUri, scope: scopes.join(" "), login_hint: upn, state: "s" })) u.searchParams.set(k, v);
  const res = await fetch(u, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
  const code = new URL(res.headers.get("location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`no code: ${res.status} ${res.headers.get("location")}`);
  const token = await tokenRequest(h, tenantId, { grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: app.redirectUri, scope: scopes.join(" ") });
  if (token.status !== 200) throw new Error(`token request failed: ${token.status} ${JSON.stringify(token.body)}`);
  return token.body;
}

const agents = new Map<string, Agent>();

/** An undici dispatcher that trusts the sandbox's self-signed certificate. */
export function sandboxAgent(h: Harness): Agent {
  const cert = h.sandbox.tls?.cert;
  if (!cert || !h.sandbox.httpsUrl) throw new Error("the sandbox has no HTTPS listener (is openssl installed?)");
  let agent = agents.get(cert);
  if (!agent) {
    agent = new Agent({ connect: { ca: cert } });
    agents.set(cert, agent);
  }
  return agent;
}

/** The official Graph client: base URL and customHosts changed, the sandbox certificate trusted. */
export function graphClient(h: Harness, accessToken: string, extra: Partial<Options> = {}): Client {
  const agent = sandboxAgent(h);
  return Client.init({
    baseUrl: `${h.sandbox.httpsUrl}/microsoft/graph`,
    customHosts: new Set([new URL(h.sandbox.httpsUrl).hostname]),
    authProvider: (done) => done(null, accessToken),
    fetchOptions: { dispatcher: agent },
    ...extra,
  });
}

/** Follows @odata.nextLink to the end (the client parses the absolute https links itself). */
export async function collectPages<T>(client: Client, first: string, build?: (r: ReturnType<Client["api"]>) => ReturnType<Client["api"]>): Promise<{ items: T[]; pages: number[]; last: Record<string, unknown> }> {
  const items: T[] = [];
  const pages: number[] = [];
  let req = client.api(first);
  if (build) req = build(req);
  for (;;) {
    const res = (await req.get()) as Record<string, unknown> & { value: T[] };
    items.push(...res.value);
    pages.push(res.value.length);
    const next = res["@odata.nextLink"];
    if (typeof next !== "string") return { items, pages, last: res };
    req = client.api(next);
    if (build) req = build(req);
  }
}
