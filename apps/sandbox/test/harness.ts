// Shared by the integration suites: an in-process sandbox on an ephemeral port, the control
// API, and the official Google clients pointed at it by base URL only.
import { google, type gmail_v1, type admin_directory_v1 } from "googleapis";
import { JWT, OAuth2Client, type AuthClient } from "google-auth-library";
import { createSandbox, type Sandbox, type ServiceAccountKeyFile, type TenantSummary } from "../src/index";

export interface Harness {
  sandbox: Sandbox;
  url: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  createTenant(input: { seed: number; users: number; itemsPerUser: number; historyRetention?: number }): Promise<TenantSummary>;
  close(): Promise<void>;
}

export async function startSandbox(): Promise<Harness> {
  const sandbox = await createSandbox();
  const url = await sandbox.listen({ port: 0 });
  const control = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    sandbox,
    url,
    control,
    async createTenant(input) {
      const res = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", ...input });
      if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    close: () => sandbox.close(),
  };
}

/** googleapis' rootUrl: the sandbox origin (googleapis keeps only the origin of a rootUrl). */
export function googleRoot(url: string): string {
  return `${url}/`;
}

type ApiAuth = OAuth2Client | JWT;

export function gmail(url: string, auth: ApiAuth): gmail_v1.Gmail {
  return google.gmail({ version: "v1", auth, rootUrl: googleRoot(url) });
}

export function directory(url: string, auth: ApiAuth): admin_directory_v1.Admin {
  return google.admin({ version: "directory_v1", auth, rootUrl: googleRoot(url) });
}

export function oauthClient(url: string, creds: { clientId: string; clientSecret: string; redirectUri: string }): OAuth2Client {
  return new OAuth2Client({
    ...creds,
    endpoints: {
      oauth2AuthBaseUrl: `${url}/google/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${url}/google/token`,
      oauth2RevokeUrl: `${url}/google/revoke`,
      tokenInfoUrl: `${url}/google/tokeninfo`,
      oauth2FederatedSignonPemCertsUrl: `${url}/google/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${url}/google/oauth2/v3/certs`,
    },
    issuers: [`${url}/google`],
  });
}

/**
 * google-auth-library's service-account client posts to the hard-coded
 * https://oauth2.googleapis.com/token (it ignores the key file's token_uri), so it gets the same
 * base-URL rewrite through its transporter.
 */
export function serviceAccountClient(url: string, key: ServiceAccountKeyFile, opts: { scopes: string[]; subject?: string }): JWT {
  const jwt = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: opts.scopes, subject: opts.subject });
  redirectGoogleHosts(jwt, url);
  return jwt;
}

export function redirectGoogleHosts(client: AuthClient, url: string): void {
  client.transporter.interceptors.request.add({
    resolved: (opts) => {
      const u = new URL(opts.url.toString());
      // oauth2.googleapis.com/token → <sandbox>/google/token; API hosts → <sandbox>/<same path>.
      if (u.protocol === "https:" && u.hostname === "oauth2.googleapis.com") opts.url = new URL(`${url}/google${u.pathname}${u.search}`);
      else if (u.protocol === "https:" && u.hostname.endsWith(".googleapis.com")) opts.url = new URL(`${url}${u.pathname}${u.search}`);
      return Promise.resolve(opts);
    },
  });
}

/** A consenting admin without a browser: X-Sandbox-Consent: approve on the authorization URL. */
export async function consent(authUrl: string): Promise<{ code: string; location: URL }> {
  const res = await fetch(authUrl, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`expected a redirect, got ${res.status}: ${await res.text()}`);
  const u = new URL(location);
  const code = u.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return { code, location: u };
}

export const REDIRECT = "http://localhost:3000/api/auth/callback/google";

export async function registerClient(h: Harness): Promise<{ clientId: string; clientSecret: string; redirectUri: string }> {
  const res = await h.control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", { provider: "google", redirectUris: [REDIRECT] });
  return { clientId: res.body.clientId, clientSecret: res.body.clientSecret, redirectUri: REDIRECT };
}

/** A user token for `email` with `scopes`, through the real code flow. */
export async function userToken(h: Harness, email: string, scopes: string[]): Promise<OAuth2Client> {
  const client = oauthClient(h.url, await registerClient(h));
  const { code } = await consent(client.generateAuthUrl({ access_type: "offline", scope: scopes, login_hint: email }));
  const { tokens } = await client.getToken(code);
  client.setCredentials(tokens);
  return client;
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { status?: number; response?: { status?: number } }).status ?? (err as { response?: { status?: number } }).response?.status;
}
