// Google's authorization server, at the paths of the real one under /google:
//   accounts.google.com/o/oauth2/v2/auth        → /google/o/oauth2/v2/auth
//   oauth2.googleapis.com/token | /revoke | /tokeninfo → /google/token | /google/revoke | /google/tokeninfo
//   www.googleapis.com/oauth2/v3/certs | /userinfo    → /google/oauth2/v3/certs | /google/oauth2/v3/userinfo
//   accounts.google.com/.well-known/openid-configuration → /google/.well-known/openid-configuration
// So every Google host maps to one prefix: replace "https://<host>.google(apis).com/" with
// "<sandbox>/google/".
//
// Besides the code flow (access_type=offline → refresh token) it implements the service-account
// grant (RFC 7523, https://developers.google.com/identity/protocols/oauth2/service-account):
// an RS256 assertion signed with the key file's private key, iss = client_email, aud = the token
// URL, exp - iat ≤ 1 h, `scope` space-separated, and `sub` to act as a user of the domain
// (domain-wide delegation: only scopes the admin authorized for that client id).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import type { SandboxContext } from "../context";
import { baseUrl } from "../http/base-url";
import { flatten, OAuthError, registerAuthorizationServer, type Identity, type TokenResponse } from "../oauth/server";
import { SCOPE_DESCRIPTIONS } from "./scopes";
import { isGoogleTenant, type GoogleTenant, type GoogleUser } from "./tenant";

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const ACCESS_TTL = 3599;
const PREFIX = "/google";

function identityOf(tenant: GoogleTenant, u: GoogleUser): Identity {
  return {
    tenantId: tenant.id,
    userId: u.id,
    email: u.email,
    name: `${u.givenName} ${u.familyName}`,
    givenName: u.givenName,
    familyName: u.familyName,
    domain: tenant.domain,
    isAdmin: u.isAdmin,
  };
}

export function registerGoogleOAuth(app: FastifyInstance, ctx: SandboxContext): void {
  const googleTenants = () => ctx.tenants.ofProvider("google", isGoogleTenant);
  const identity = (email: string): Identity | undefined => {
    for (const t of googleTenants()) {
      const u = t.user(email);
      if (u) return identityOf(t, u);
    }
    return undefined;
  };

  registerAuthorizationServer(
    app,
    {
      provider: "google",
      providerName: "Google",
      prefix: PREFIX,
      paths: { authorize: "/o/oauth2/v2/auth", token: "/token", revoke: "/revoke", jwks: "/oauth2/v3/certs", userinfo: "/oauth2/v3/userinfo" },
      tokenPrefixes: { code: "4/0A", access: "ya29.a0", refresh: "1//0" },
      accessTokenTtlSeconds: ACCESS_TTL,
      scopes: SCOPE_DESCRIPTIONS,
      identity,
      candidates: ({ loginHint, hostedDomain }) => {
        if (loginHint) {
          const one = identity(loginHint);
          return one ? [one] : [];
        }
        const tenants = googleTenants().filter((t) => !hostedDomain || t.domain === hostedDomain);
        return tenants.flatMap((t) => t.users.slice(0, 50).map((u) => identityOf(t, u)));
      },
      wantsRefreshToken: (params) => params.access_type === "offline",
      redirectExtras: (i, scopes) => ({ scope: scopes.join(" "), hd: i.domain }),
      idTokenClaims: (i) => ({
        sub: i.userId,
        hd: i.domain,
        email: i.email,
        email_verified: true,
        name: i.name,
        given_name: i.givenName,
        family_name: i.familyName,
      }),
      extraGrants: { "urn:ietf:params:oauth:grant-type:jwt-bearer": (body, req) => jwtBearerGrant(ctx, body, req) },
    },
    ctx,
  );

  // www.googleapis.com/oauth2/v1/certs: what OAuth2Client.verifyIdToken() fetches by default.
  app.get(`${PREFIX}/oauth2/v1/certs`, (_req, reply) => reply.header("cache-control", "public, max-age=3600").send(ctx.signingKey.pems()));

  // oauth2.googleapis.com/tokeninfo: what google-auth-library's getTokenInfo() reads.
  const tokenInfo = (req: FastifyRequest) => {
    const params = { ...flatten(req.query), ...flatten(req.body) };
    // access_token as a parameter, or (google-auth-library's getTokenInfo) as a bearer header.
    const auth = req.headers.authorization;
    const presented = params.access_token ?? (auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined);
    const token = presented ? ctx.tokens.lookupAccess(presented) : undefined;
    if (!token || token.provider !== "google") throw new OAuthError("invalid_token", "Invalid Value");
    const expiresIn = Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000));
    const user = identity(token.subject);
    return {
      azp: token.clientId,
      aud: token.clientId,
      ...(user ? { sub: user.userId, email: user.email, email_verified: "true" } : {}),
      scope: token.scopes.join(" "),
      exp: String(Math.floor(token.expiresAt / 1000)),
      expires_in: String(expiresIn),
      access_type: token.refreshToken ? "offline" : "online",
    };
  };
  for (const method of ["GET", "POST"] as const) {
    app.route({
      method,
      url: `${PREFIX}/tokeninfo`,
      handler: async (req, reply) => {
        try {
          return tokenInfo(req);
        } catch (err) {
          if (err instanceof OAuthError) return reply.code(400).send({ error: err.error, error_description: err.description });
          throw err;
        }
      },
    });
  }
}

async function jwtBearerGrant(ctx: SandboxContext, body: Record<string, string>, req: FastifyRequest): Promise<TokenResponse> {
  const assertion = body.assertion ?? "";
  let iss: string | undefined;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw new OAuthError("invalid_grant", "Invalid JWT: malformed assertion.");
  }
  const sa = iss ? ctx.serviceAccounts.get(iss) : undefined;
  if (!sa) throw new OAuthError("invalid_grant", "Invalid grant: account not found");
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(assertion, sa.publicKey, {
      algorithms: ["RS256"],
      issuer: sa.clientEmail,
      // google-auth-library always signs for Google's own token URL; ours is accepted too.
      audience: [GOOGLE_TOKEN_URL, `${baseUrl(req)}${PREFIX}/token`],
      requiredClaims: ["iat", "exp"],
      clockTolerance: 60,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    if (err instanceof joseErrors.JOSEError) {
      throw new OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
    }
    throw err;
  }
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (exp - iat > 3600) throw new OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
  const scopes = typeof claims.scope === "string" ? claims.scope.split(/\s+/).filter(Boolean) : [];
  if (scopes.length === 0) throw new OAuthError("invalid_scope", "Empty or missing scope not allowed.");
  const tenant = ctx.tenants.get(sa.tenantId);
  if (!tenant || !isGoogleTenant(tenant)) throw new OAuthError("invalid_grant", "Invalid grant: account not found");
  const sub = typeof claims.sub === "string" ? claims.sub : undefined;
  let subject = sa.clientEmail;
  if (sub && sub !== sa.clientEmail) {
    const user = tenant.user(sub);
    if (!user) throw new OAuthError("invalid_grant", "Invalid email or User ID");
    if (scopes.some((s) => !sa.delegatedScopes.includes(s))) {
      throw new OAuthError("unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.", 401);
    }
    subject = user.email;
  }
  const serviceAccount = subject === sa.clientEmail;
  const accessToken = ctx.tokens.issueAccess(
    { provider: "google", tenantId: tenant.id, subject, clientId: sa.clientId, scopes, ...(serviceAccount ? { serviceAccount } : {}) },
    ACCESS_TTL,
    "ya29.c.",
  );
  return { access_token: accessToken, expires_in: ACCESS_TTL, token_type: "Bearer" };
}
