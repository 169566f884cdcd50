// Salesforce's OAuth 2.0 web server flow under /salesforce, at the real paths
// (login.salesforce.com/services/oauth2/… → <sandbox>/salesforce/services/oauth2/…), so jsforce's
// `new OAuth2({ loginUrl: "<sandbox>/salesforce", … })` works as is.
//
// Documented behaviour implemented (help.salesforce.com "OAuth 2.0 Web Server Flow for Web App
// Integration", "Revoke OAuth Tokens"):
// - authorize: consent page, `scope` optional (the connected app's scopes when absent); a refresh
//   token only with the `refresh_token` (or `offline_access`) scope; PKCE.
// - token: access_token, refresh_token, instance_url, id (the identity URL
//   …/id/<orgId>/<userId>), issued_at (ms), signature = Base64(HMAC-SHA256(client secret, id + issued_at)),
//   token_type Bearer, scope. The refresh response repeats all but refresh_token.
// - revoke: POST /services/oauth2/revoke token=<access or refresh token>; revoking a refresh
//   token revokes its access tokens.
import { createHmac } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { baseUrl } from "../http/base-url";
import { bearer, registerAuthorizationServer, type Identity } from "../oauth/server";
import { isSalesforceTenant, type SalesforceTenant, type SalesforceUser } from "./org";

export const SF_PREFIX = "/salesforce";

/** Salesforce OAuth scopes the sandbox knows (connected app "Selected OAuth Scopes"). */
export const SF_SCOPES: Record<string, string> = {
  api: "Manage user data via APIs (api)",
  refresh_token: "Perform requests at any time (refresh_token, offline_access)",
  offline_access: "Perform requests at any time (refresh_token, offline_access)",
  full: "Full access (full)",
  id: "Access the identity URL service (id, profile, email, address, phone)",
  openid: "Access unique user identifiers (openid)",
  profile: "Access your basic information",
  email: "Access your email address",
  web: "Access the Salesforce API Platform via the web (web)",
};
const DEFAULT_SCOPES = ["api", "refresh_token", "id"];
const ACCESS_TTL = 2 * 3600;

function identityOf(t: SalesforceTenant, u: SalesforceUser): Identity {
  return { tenantId: t.id, userId: u.id, email: u.username, name: `${u.firstName} ${u.lastName}`, givenName: u.firstName, familyName: u.lastName, domain: t.domain, isAdmin: u.isAdmin };
}

export function registerSalesforceOAuth(app: FastifyInstance, ctx: SandboxContext): void {
  const orgs = () => ctx.tenants.ofProvider("salesforce", isSalesforceTenant);
  const find = (username: string) => {
    for (const t of orgs()) {
      const u = t.user(username);
      if (u) return { t, u };
    }
    return undefined;
  };

  registerAuthorizationServer(
    app,
    {
      provider: "salesforce",
      providerName: "Salesforce",
      prefix: SF_PREFIX,
      paths: { authorize: "/services/oauth2/authorize", token: "/services/oauth2/token", revoke: "/services/oauth2/revoke", jwks: "/id/keys", userinfo: "/services/oauth2/userinfo" },
      tokenPrefixes: { code: "aPrx", access: "00D!", refresh: "5Aep" },
      accessTokenTtlSeconds: ACCESS_TTL,
      scopes: SF_SCOPES,
      defaultScopes: DEFAULT_SCOPES,
      identity: (username) => {
        const hit = find(username);
        return hit ? identityOf(hit.t, hit.u) : undefined;
      },
      // login_hint = a username; otherwise every org's users (the admin first).
      candidates: ({ loginHint }) => {
        if (loginHint) {
          const hit = find(loginHint);
          return hit ? [identityOf(hit.t, hit.u)] : [];
        }
        return orgs().flatMap((t) => t.users.slice(0, 20).map((u) => identityOf(t, u)));
      },
      wantsRefreshToken: (_p, scopes) => scopes.includes("refresh_token") || scopes.includes("offline_access"),
      redirectExtras: () => ({}),
      idTokenClaims: (i) => ({ sub: `${i.userId}`, user_id: i.userId, organization_id: orgOf(ctx, i.tenantId)?.orgId, preferred_username: i.email, email: i.email, name: i.name, given_name: i.givenName, family_name: i.familyName }),
      tokenExtras: (grant, req) => {
        const org = orgOf(ctx, grant.tenantId);
        const user = org?.user(grant.subject);
        if (!org || !user) return {};
        const instanceUrl = `${baseUrl(req)}${SF_PREFIX}`;
        const id = `${instanceUrl}/id/${org.orgId}/${user.id}`;
        const issuedAt = String(Date.now());
        const secret = ctx.clients.get("salesforce", grant.clientId)?.clientSecret ?? "";
        return { instance_url: instanceUrl, id, issued_at: issuedAt, signature: createHmac("sha256", secret).update(id + issuedAt).digest("base64") };
      },
    },
    ctx,
  );

  // The identity URL from the token response (`id`): who the token belongs to.
  app.get(`${SF_PREFIX}/id/:orgId/:userId`, async (req, reply) => {
    const token = bearer(req, ctx.tokens, "salesforce");
    const org = token ? orgOf(ctx, token.tenantId) : undefined;
    const { orgId, userId } = req.params as { orgId: string; userId: string };
    const user = org?.user(userId);
    if (!token || !org || !user || org.orgId !== orgId || user.username !== token.subject) return reply.code(403).send("Bad_OAuth_Token");
    const base = `${baseUrl(req)}${SF_PREFIX}`;
    return { id: `${base}/id/${org.orgId}/${user.id}`, asserted_user: true, user_id: user.id, organization_id: org.orgId, username: user.username, display_name: `${user.firstName} ${user.lastName}`, email: user.email, first_name: user.firstName, last_name: user.lastName, active: true, user_type: "STANDARD", urls: { rest: `${base}/services/data/v{version}/`, sobjects: `${base}/services/data/v{version}/sobjects/`, query: `${base}/services/data/v{version}/query/` } };
  });
}

export function orgOf(ctx: SandboxContext, tenantId: string): SalesforceTenant | undefined {
  const t = ctx.tenants.get(tenantId);
  return t && isSalesforceTenant(t) ? t : undefined;
}
