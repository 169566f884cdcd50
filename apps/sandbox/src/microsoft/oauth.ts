// The Microsoft identity platform (v2.0 endpoints) under /microsoft/{tenant}, where {tenant} is
// a tenant id, a verified domain, or common / organizations, as at login.microsoftonline.com:
//   /{tenant}/oauth2/v2.0/authorize | token      authorization code (+ PKCE), refresh, client credentials
//   /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys
//   /{tenant}/v2.0/adminconsent                  admin consent for an app's application permissions
// So `https://login.microsoftonline.com/X` maps to `<sandbox>/microsoft/X` (an authorityHost of
// `<sandbox>/microsoft`).
//
// Documented behaviour implemented (learn.microsoft.com/entra/identity-platform/…):
// - v2-oauth2-auth-code-flow: refresh tokens only with `offline_access`; ID token (`ver` 2.0,
//   `tid`, `oid`, `preferred_username`) with `openid`; errors as { error, error_description
//   "AADSTSnnnn: …", error_codes, timestamp, trace_id, correlation_id }.
// - v2-oauth2-client-creds-grant-flow: `scope` must be `<resource>/.default`
//   (AADSTS1002012 otherwise); the token carries the app roles an admin consented to; an app with
//   no consent in the tenant gets AADSTS700016 (unauthorized_client); responses have no
//   refresh token and no scope.
// - v2-admin-consent: GET /{tenant}/v2.0/adminconsent?client_id&redirect_uri&scope&state →
//   redirect with admin_consent=True&tenant=<tid>&state&scope, or error=access_denied.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { baseUrl } from "../http/base-url";
import { renderConsentPage } from "../oauth/consent-page";
import { authenticateOAuthClient, errorPage, flatten, OAuthError, registerAuthorizationServer, type Identity, type TokenResponse } from "../oauth/server";
import { DELEGATED_SCOPES, GRAPH_RESOURCE, normalizeScope } from "./scopes";
import { isMicrosoftTenant, type MicrosoftTenant, type MicrosoftUser } from "./tenant";

export const MS_PREFIX = "/microsoft";
const ACCESS_TTL = 3599;
const MULTI_TENANT = new Set(["common", "organizations"]);

const AADSTS: Record<string, string> = {
  invalid_client: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
  invalid_grant: "AADSTS70000: The provided value for the 'code' or 'refresh_token' parameter is not valid.",
  invalid_scope: "AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
  unsupported_grant_type: "AADSTS70003: The app requested an unsupported grant type.",
  redirect_uri_mismatch: "AADSTS50148: The redirect_uri doesn't match the one used in the authorization request.",
};

function identityOf(t: MicrosoftTenant, u: MicrosoftUser): Identity {
  return { tenantId: t.id, userId: u.id, email: u.userPrincipalName, name: u.displayName, givenName: u.givenName, familyName: u.surname, domain: t.domain, isAdmin: u.isAdmin };
}

export function registerMicrosoftIdentity(app: FastifyInstance, ctx: SandboxContext): void {
  const tenants = () => ctx.tenants.ofProvider("microsoft", isMicrosoftTenant);
  /** The tenants a path segment addresses: one, or every tenant for common / organizations. */
  const addressed = (segment: string): MicrosoftTenant[] => (MULTI_TENANT.has(segment.toLowerCase()) ? tenants() : tenants().filter((t) => t.matches(segment)));
  const tenantParam = (req: FastifyRequest) => (req.params as { tenant?: string }).tenant ?? "common";
  const findUser = (upn: string, within = tenants()) => {
    for (const t of within) {
      const u = t.user(upn);
      if (u) return { t, u };
    }
    return undefined;
  };

  // Unknown tenants fail before any endpoint runs (AADSTS90002), as Entra ID answers them.
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    const m = /^\/microsoft\/([^/]+)\/(oauth2|v2\.0|discovery)\//.exec(path);
    const segment = m?.[1];
    if (!segment || segment === "graph" || MULTI_TENANT.has(segment.toLowerCase()) || addressed(segment).length) return;
    return reply.code(400).send({ error: "invalid_request", error_description: `AADSTS90002: Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, error_codes: [90002], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
  });

  const issuerOf = (req: FastifyRequest, tid: string) => `${baseUrl(req)}${MS_PREFIX}/${tid}/v2.0`;

  registerAuthorizationServer(
    app,
    {
      provider: "microsoft",
      providerName: "Microsoft",
      prefix: `${MS_PREFIX}/:tenant`,
      paths: { authorize: "/oauth2/v2.0/authorize", token: "/oauth2/v2.0/token", jwks: "/discovery/v2.0/keys", userinfo: "/oidc/userinfo", discovery: "/v2.0/.well-known/openid-configuration" },
      // For common/organizations the discovery document names the issuer with a {tenantid} template, as Entra ID's does.
      issuer: (req) => {
        const seg = tenantParam(req);
        const one = MULTI_TENANT.has(seg.toLowerCase()) ? undefined : addressed(seg)[0];
        return issuerOf(req, one ? one.tenantId : "{tenantid}");
      },
      endpoint: (req, path) => (path === "/oidc/userinfo" ? `${baseUrl(req)}${MS_PREFIX}/graph/oidc/userinfo` : `${baseUrl(req)}${MS_PREFIX}/${tenantParam(req)}${path}`),
      tokenPrefixes: { code: "1.AXkA", access: "EwBIA8l6BAAU.", refresh: "0.AXkA" },
      accessTokenTtlSeconds: ACCESS_TTL,
      scopes: DELEGATED_SCOPES,
      normalizeScope,
      identity: (email) => {
        const hit = findUser(email);
        return hit ? identityOf(hit.t, hit.u) : undefined;
      },
      candidates: ({ loginHint }, req) => {
        const q = flatten(req.query);
        let within = addressed(tenantParam(req));
        if (q.domain_hint) within = within.filter((t) => t.matches(q.domain_hint ?? ""));
        if (loginHint) {
          const hit = findUser(loginHint, within);
          return hit ? [identityOf(hit.t, hit.u)] : [];
        }
        return within.flatMap((t) => t.users.slice(0, 50).map((u) => identityOf(t, u)));
      },
      wantsRefreshToken: (_params, scopes) => scopes.includes("offline_access"),
      redirectExtras: () => ({ session_state: randomUUID() }),
      idTokenClaims: (i, req) => {
        const t = ctx.tenants.get(i.tenantId);
        const tid = t && isMicrosoftTenant(t) ? t.tenantId : "";
        return { iss: issuerOf(req, tid), ver: "2.0", tid, oid: i.userId, sub: i.userId, preferred_username: i.email, email: i.email, name: i.name, given_name: i.givenName, family_name: i.familyName };
      },
      discoveryExtras: () => ({ tenant_region_scope: "EU", cloud_instance_name: "microsoftonline.com", claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "preferred_username", "oid", "tid", "ver", "email"] }),
      errorExtras: (err) => {
        const description = err.description.startsWith("AADSTS") ? err.description : (AADSTS[err.error] ?? err.description);
        const code = /^AADSTS(\d+)/.exec(description)?.[1];
        return { error_description: description, error_codes: code ? [Number(code)] : [], timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"), trace_id: randomUUID(), correlation_id: randomUUID() };
      },
      extraGrants: { client_credentials: async (body, req) => clientCredentials(ctx, body, req, addressed(tenantParam(req)), tenantParam(req)) },
    },
    ctx,
  );

  // Admin consent: a Global Administrator grants the app's application permissions tenant-wide.
  const adminConsent = (req: FastifyRequest, reply: FastifyReply, params: Record<string, string>, decision?: { approve: boolean; subject?: string }) => {
    const client = params.client_id ? ctx.clients.get("microsoft", params.client_id) : undefined;
    if (!client) return errorPage(reply, 400, "unauthorized_client", `AADSTS700016: Application with identifier '${params.client_id ?? ""}' was not found.`);
    const redirectUri = params.redirect_uri ?? "";
    if (!ctx.clients.redirectAllowed(client, redirectUri)) return errorPage(reply, 400, "invalid_request", `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`);
    const back = (q: Record<string, string | undefined>) => {
      const u = new URL(redirectUri);
      for (const [k, v] of Object.entries(q)) if (v !== undefined) u.searchParams.set(k, v);
      return reply.redirect(u.toString(), 302);
    };
    const admins = addressed(tenantParam(req)).map((t) => ({ t, u: t.admin }));
    if (!decision) {
      void reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
      return renderConsentPage({
        providerName: "Microsoft (admin consent for your organization)",
        clientName: client.name,
        action: req.url.split("?")[0] ?? "",
        params,
        scopes: client.appRoles.map((r) => ({ scope: `${GRAPH_RESOURCE}/${r}`, description: `Application permission: ${r}` })),
        accounts: admins.map(({ u }) => ({ email: u.userPrincipalName, name: u.displayName, admin: true })),
      });
    }
    if (!decision.approve) return back({ error: "access_denied", error_description: "AADSTS65004: User declined to consent to access the app.", state: params.state, admin_consent: "False" });
    const subject = decision.subject?.toLowerCase() ?? params.login_hint?.toLowerCase();
    const chosen = subject ? admins.find(({ u }) => u.userPrincipalName === subject) : admins.length === 1 ? admins[0] : undefined;
    if (!chosen) return errorPage(reply, 400, "no_account", "No single Microsoft tenant admin matches: use a tenant id or domain in the path, or login_hint=<admin upn>.");
    chosen.t.consentedApps.set(client.clientId, [...client.appRoles]);
    return back({ admin_consent: "True", tenant: chosen.t.tenantId, state: params.state, scope: params.scope ?? `${GRAPH_RESOURCE}/.default` });
  };
  app.get(`${MS_PREFIX}/:tenant/v2.0/adminconsent`, async (req, reply) => {
    const header = String(req.headers["x-sandbox-consent"] ?? "").toLowerCase();
    const params = flatten(req.query);
    if (header === "approve" || header === "deny") return adminConsent(req, reply, params, { approve: header === "approve" });
    return adminConsent(req, reply, params);
  });
  app.post(`${MS_PREFIX}/:tenant/v2.0/adminconsent`, async (req, reply) => {
    const { decision, subject, ...params } = flatten(req.body);
    return adminConsent(req, reply, params, { approve: decision === "approve", subject });
  });
}

function clientCredentials(ctx: SandboxContext, body: Record<string, string>, req: FastifyRequest, addressed: MicrosoftTenant[], segment: string): Promise<TokenResponse & { ext_expires_in: number }> {
  const client = authenticateOAuthClient(ctx.clients, "microsoft", req, body);
  const scope = (body.scope ?? "").trim();
  if (!scope.endsWith("/.default") || scope.includes(" ")) {
    throw new OAuthError("invalid_scope", `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  if (scope !== `${GRAPH_RESOURCE}/.default` && scope !== "00000003-0000-0000-c000-000000000000/.default") {
    throw new OAuthError("invalid_resource", `AADSTS500011: The resource principal named ${scope.slice(0, -"/.default".length)} was not found in the tenant.`);
  }
  if (MULTI_TENANT.has(segment.toLowerCase())) {
    throw new OAuthError("invalid_request", "The client credentials grant needs a tenant-specific endpoint (/{tenant id or domain}/oauth2/v2.0/token), not /common or /organizations.");
  }
  const tenant = addressed[0];
  const roles = tenant?.consentedApps.get(client.clientId);
  if (!tenant || !roles) {
    throw new OAuthError("unauthorized_client", `AADSTS700016: Application with identifier '${client.clientId}' was not found in the directory '${segment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
  }
  const accessToken = ctx.tokens.issueAccess({ provider: "microsoft", tenantId: tenant.id, subject: client.clientId, clientId: client.clientId, scopes: roles, appOnly: true }, ACCESS_TTL, "EwBIA8l6BAAU.app.");
  return Promise.resolve({ token_type: "Bearer", expires_in: ACCESS_TTL, ext_expires_in: ACCESS_TTL, access_token: accessToken });
}
