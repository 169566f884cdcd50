// A provider-neutral OAuth 2.0 / OpenID Connect authorization server: authorization-code flow
// with a consent page and PKCE (RFC 6749 §4.1, RFC 7636), refresh (§6), revocation (RFC 7009),
// discovery (OIDC Discovery 1.0 §4) and JWKS. Each provider mounts it under its own prefix with
// its own paths, token shapes and extra grants (Google's JWT bearer, Microsoft's client
// credentials).
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { baseUrl } from "../http/base-url";
import type { ClientRegistry, OAuthClient } from "./clients";
import { renderConsentPage } from "./consent-page";
import type { SigningKey } from "./keys";
import type { AccessToken, Grant, ProviderId, TokenStore } from "./store";

export interface Identity {
  tenantId: string;
  userId: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  domain: string;
  isAdmin: boolean;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  /** Provider-specific fields (Salesforce's instance_url, id, issued_at, signature). */
  [extra: string]: unknown;
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface AuthorizationServerConfig {
  provider: ProviderId;
  providerName: string;
  /** Mount point, e.g. "/google"; may hold route parameters ("/microsoft/:tenant"). */
  prefix: string;
  /** Relative to the prefix. `revoke` is optional: Microsoft's identity platform has none. */
  paths: { authorize: string; token: string; revoke?: string; jwks: string; userinfo: string; discovery?: string };
  /** The `iss` of ID tokens and discovery; `<origin><prefix>` when absent. */
  issuer?(req: FastifyRequest): string;
  /** Absolute URL of a path of this server for this request (prefix parameters filled in). */
  endpoint?(req: FastifyRequest, path: string): string;
  /** Maps a requested scope to its canonical form before validation (Graph: "Mail.Read" → full URI). */
  normalizeScope?(scope: string): string;
  /** Extra fields of token error bodies (Microsoft: error_codes, timestamp, trace_id…). */
  errorExtras?(err: OAuthError): Record<string, unknown>;
  /** Extra discovery document fields. */
  discoveryExtras?(req: FastifyRequest): Record<string, unknown>;
  /** Extra query parameters of the redirect back to the client after consent. */
  redirectExtras?(identity: Identity, scopes: string[]): Record<string, string | undefined>;
  tokenPrefixes: { code: string; access: string; refresh: string };
  accessTokenTtlSeconds: number;
  /** Scope → what the consent page says it allows. Unknown scopes are rejected (invalid_scope). */
  scopes: Record<string, string>;
  identity(email: string, req?: FastifyRequest): Identity | undefined;
  /** Accounts offered on the consent page, narrowed by login_hint / hd (or the path's tenant) when given. */
  candidates(hint: { loginHint?: string; hostedDomain?: string }, req: FastifyRequest): Identity[];
  /** Whether this authorization request asks for a refresh token (Google: access_type=offline). */
  wantsRefreshToken(params: Record<string, string>, scopes: string[]): boolean;
  /** ID token / userinfo claims; the server adds iss, aud, azp and nonce. */
  idTokenClaims(identity: Identity, req: FastifyRequest): Record<string, unknown>;
  /** Scopes granted when the authorization request names none (Salesforce: the connected app's configured scopes). */
  defaultScopes?: string[];
  /** Extra token-response fields (Salesforce: instance_url, id, issued_at, signature). */
  tokenExtras?(grant: Grant, req: FastifyRequest): Record<string, unknown>;
  /** grant_type → handler, for grants beyond authorization_code and refresh_token. */
  extraGrants?: Record<string, (body: Record<string, string>, req: FastifyRequest) => Promise<TokenResponse>>;
}

export interface AuthorizationServerDeps {
  tokens: TokenStore;
  clients: ClientRegistry;
  signingKey: SigningKey;
}

export function issuerFor(req: FastifyRequest, prefix: string): string {
  return `${baseUrl(req)}${prefix}`;
}

export function registerAuthorizationServer(app: FastifyInstance, cfg: AuthorizationServerConfig, deps: AuthorizationServerDeps): void {
  const { tokens, clients, signingKey } = deps;
  const p = (path: string) => `${cfg.prefix}${path}`;
  const issuer = (req: FastifyRequest) => cfg.issuer?.(req) ?? issuerFor(req, cfg.prefix);
  const endpoint = (req: FastifyRequest, path: string) => cfg.endpoint?.(req, path) ?? `${issuerFor(req, cfg.prefix)}${path}`;

  app.get(p(cfg.paths.discovery ?? "/.well-known/openid-configuration"), (req, reply) => {
    return reply.send({
      issuer: issuer(req),
      authorization_endpoint: endpoint(req, cfg.paths.authorize),
      token_endpoint: endpoint(req, cfg.paths.token),
      userinfo_endpoint: endpoint(req, cfg.paths.userinfo),
      ...(cfg.paths.revoke ? { revocation_endpoint: endpoint(req, cfg.paths.revoke) } : {}),
      jwks_uri: endpoint(req, cfg.paths.jwks),
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email", "profile"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      claims_supported: ["aud", "email", "email_verified", "exp", "family_name", "given_name", "hd", "iat", "iss", "name", "sub", "nonce"],
      code_challenge_methods_supported: ["plain", "S256"],
      grant_types_supported: ["authorization_code", "refresh_token", ...Object.keys(cfg.extraGrants ?? {})],
      ...cfg.discoveryExtras?.(req),
    });
  });

  app.get(p(cfg.paths.jwks), async (_req, reply) => {
    void reply.header("cache-control", "public, max-age=3600");
    return signingKey.jwks();
  });

  const authorize = async (req: FastifyRequest, reply: FastifyReply, params: Record<string, string>, decision?: { approve: boolean; subject?: string }) => {
    const client = params.client_id ? clients.get(cfg.provider, params.client_id) : undefined;
    // Never redirect to an unverified URI (RFC 6749 §4.1.2.1): show the error instead.
    if (!client) return errorPage(reply, 401, "invalid_client", "The OAuth client was not found.");
    const redirectUri = params.redirect_uri ?? "";
    if (!clients.redirectAllowed(client, redirectUri)) {
      return errorPage(reply, 400, "redirect_uri_mismatch", `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`);
    }
    const back = (q: Record<string, string | undefined>) => {
      const u = new URL(redirectUri);
      for (const [k, v] of Object.entries(q)) if (v !== undefined) u.searchParams.set(k, v);
      return reply.redirect(u.toString(), 302);
    };
    if (params.response_type !== "code") return back({ error: "unsupported_response_type", state: params.state });
    const requestedScopes = (params.scope ?? "").split(/[\s+]+/).filter(Boolean).map((s) => cfg.normalizeScope?.(s) ?? s);
    const scopes = requestedScopes.length ? requestedScopes : (cfg.defaultScopes ?? []);
    if (scopes.length === 0) return back({ error: "invalid_request", error_description: "Missing required parameter: scope", state: params.state });
    const unknown = scopes.filter((s) => !(s in cfg.scopes));
    if (unknown.length) return back({ error: "invalid_scope", error_description: `Some requested scopes were invalid: ${unknown.join(" ")}`, state: params.state });
    const method = params.code_challenge_method ?? (params.code_challenge ? "plain" : undefined);
    if (method && method !== "plain" && method !== "S256") return back({ error: "invalid_request", error_description: "Invalid code_challenge_method", state: params.state });

    const candidates = cfg.candidates({ loginHint: params.login_hint, hostedDomain: params.hd }, req);
    if (!decision) {
      void reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
      return renderConsentPage({
        providerName: cfg.providerName,
        clientName: client.name,
        // The request's own path: the prefix may carry parameters (a Microsoft tenant).
        action: req.url.split("?")[0] ?? "",
        params,
        scopes: scopes.map((s) => ({ scope: s, description: cfg.scopes[s] ?? s })),
        accounts: candidates.map((c) => ({ email: c.email, name: c.name, admin: c.isAdmin })),
      });
    }
    if (!decision.approve) return back({ error: "access_denied", state: params.state });
    const subject = decision.subject?.toLowerCase();
    const identity = subject ? (candidates.find((c) => c.email === subject) ?? cfg.identity(subject, req)) : pickDefault(candidates);
    if (!identity) {
      return errorPage(reply, 400, "no_account", "No sandbox account matches this request: pass login_hint=<email> or hd=<domain> of a tenant created with POST /_control/tenants.");
    }
    const grant: Grant = { provider: cfg.provider, tenantId: identity.tenantId, subject: identity.email, clientId: client.clientId, scopes };
    const code = tokens.issueCode(
      {
        ...grant,
        redirectUri,
        offline: cfg.wantsRefreshToken(params, scopes),
        nonce: params.nonce,
        codeChallenge: params.code_challenge,
        codeChallengeMethod: method as "plain" | "S256" | undefined,
      },
      cfg.tokenPrefixes.code,
    );
    return back({ code, state: params.state, ...(cfg.redirectExtras ? cfg.redirectExtras(identity, scopes) : { scope: scopes.join(" ") }) });
  };

  app.get(p(cfg.paths.authorize), async (req, reply) => {
    const params = flatten(req.query);
    const header = String(req.headers["x-sandbox-consent"] ?? "").toLowerCase();
    if (header === "approve" || header === "deny") return authorize(req, reply, params, { approve: header === "approve" });
    return authorize(req, reply, params);
  });

  app.post(p(cfg.paths.authorize), async (req, reply) => {
    const form = flatten(req.body);
    const { decision, subject, ...params } = form;
    return authorize(req, reply, params, { approve: decision === "approve", subject });
  });

  app.post(p(cfg.paths.token), async (req, reply) => {
    const body = flatten(req.body);
    try {
      const grantType = body.grant_type ?? "";
      if (grantType === "authorization_code") return await codeGrant(req, body);
      if (grantType === "refresh_token") return await refreshGrant(req, body);
      const extra = cfg.extraGrants?.[grantType];
      if (extra) return await extra(body, req);
      throw new OAuthError("unsupported_grant_type", `Invalid grant_type: ${grantType}`);
    } catch (err) {
      if (err instanceof OAuthError) {
        return reply
          .code(err.status)
          .header("cache-control", "no-store")
          .send({ error: err.error, error_description: err.description, ...cfg.errorExtras?.(err) });
      }
      throw err;
    }
  });

  if (cfg.paths.revoke) {
    app.post(p(cfg.paths.revoke), async (req, reply) => {
      const token = flatten(req.query).token ?? flatten(req.body).token;
      if (!token || !tokens.revoke(token)) return reply.code(400).send({ error: "invalid_token", error_description: "Token expired or revoked" });
      return {};
    });
  }

  app.get(p(cfg.paths.userinfo), async (req, reply) => {
    const rec = bearer(req, tokens, cfg.provider);
    if (!rec || !rec.scopes.some((s) => ["openid", "email", "profile"].includes(s) || s.endsWith("/userinfo.email") || s.endsWith("/userinfo.profile"))) {
      return reply.code(401).header("www-authenticate", 'Bearer error="invalid_token"').send({ error: "invalid_request", error_description: "Invalid Credentials" });
    }
    const identity = cfg.identity(rec.subject, req);
    if (!identity) return reply.code(401).send({ error: "invalid_request", error_description: "Invalid Credentials" });
    return cfg.idTokenClaims(identity, req);
  });

  const authenticateClient = (req: FastifyRequest, body: Record<string, string>) => authenticateOAuthClient(clients, cfg.provider, req, body);

  async function codeGrant(req: FastifyRequest, body: Record<string, string>): Promise<TokenResponse> {
    const client = authenticateClient(req, body);
    const pending = body.code ? tokens.consumeCode(body.code) : undefined;
    if (!pending || pending.clientId !== client.clientId) throw new OAuthError("invalid_grant", "Malformed auth code.");
    if (pending.redirectUri !== body.redirect_uri) throw new OAuthError("redirect_uri_mismatch", "Bad Request");
    if (pending.codeChallenge) {
      const verifier = body.code_verifier ?? "";
      const expected = pending.codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (!verifier || expected !== pending.codeChallenge) throw new OAuthError("invalid_grant", "Invalid code verifier.");
    }
    const grant: Grant = { provider: pending.provider, tenantId: pending.tenantId, subject: pending.subject, clientId: pending.clientId, scopes: pending.scopes };
    const refresh = pending.offline ? tokens.issueRefresh(grant, cfg.tokenPrefixes.refresh) : undefined;
    const res = await mint(req, grant, refresh, pending.nonce);
    return refresh ? { ...res, refresh_token: refresh } : res;
  }

  async function refreshGrant(req: FastifyRequest, body: Record<string, string>): Promise<TokenResponse> {
    const client = authenticateClient(req, body);
    const grant = body.refresh_token ? tokens.lookupRefresh(body.refresh_token) : undefined;
    if (!grant || grant.clientId !== client.clientId) throw new OAuthError("invalid_grant", "Token has been expired or revoked.");
    // A narrower scope may be asked for on refresh (RFC 6749 §6), never a wider one.
    const requested = body.scope ? body.scope.split(/\s+/).filter(Boolean).map((s) => cfg.normalizeScope?.(s) ?? s) : grant.scopes;
    if (requested.some((s) => !grant.scopes.includes(s))) throw new OAuthError("invalid_scope", "The requested scope exceeds the granted scope.");
    return mint(req, { ...grant, scopes: requested }, body.refresh_token);
  }

  async function mint(req: FastifyRequest, grant: Grant, refreshToken: string | undefined, nonce?: string): Promise<TokenResponse> {
    const accessToken = tokens.issueAccess(grant, cfg.accessTokenTtlSeconds, cfg.tokenPrefixes.access, refreshToken);
    const res: TokenResponse = { access_token: accessToken, expires_in: cfg.accessTokenTtlSeconds, scope: grant.scopes.join(" "), token_type: "Bearer", ...cfg.tokenExtras?.(grant, req) };
    const identity = grant.scopes.includes("openid") ? cfg.identity(grant.subject, req) : undefined;
    if (identity) {
      const claims = { iss: issuer(req), ...cfg.idTokenClaims(identity, req), aud: grant.clientId, azp: grant.clientId, ...(nonce ? { nonce } : {}) };
      res.id_token = await signingKey.sign(claims, cfg.accessTokenTtlSeconds);
    }
    return res;
  }
}

/** Client authentication at a token endpoint: client_secret_post or client_secret_basic (RFC 6749 §2.3.1). */
export function authenticateOAuthClient(clients: ClientRegistry, provider: ProviderId, req: FastifyRequest, body: Record<string, string>): OAuthClient {
  let id = body.client_id;
  let secret = body.client_secret;
  const auth = req.headers.authorization;
  if (auth?.startsWith("Basic ")) {
    const decoded = Buffer.from(auth.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    id = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  const client = id ? clients.get(provider, id) : undefined;
  if (!client || !secret || !safeEqual(secret, client.clientSecret)) throw new OAuthError("invalid_client", "Unauthorized", 401);
  return client;
}

/** The access token of a request's `Authorization: Bearer` header, if live and of this provider. */
export function bearer(req: FastifyRequest, tokens: TokenStore, provider: ProviderId): AccessToken | undefined {
  const auth = req.headers.authorization;
  if (!auth || !/^bearer /i.test(auth)) return undefined;
  const rec = tokens.lookupAccess(auth.slice(7).trim());
  return rec?.provider === provider ? rec : undefined;
}

function pickDefault(candidates: Identity[]): Identity | undefined {
  if (candidates.length === 1) return candidates[0];
  // Several tenants match: only an unambiguous admin is "the consenting admin".
  const tenants = new Set(candidates.map((c) => c.tenantId));
  return tenants.size === 1 ? candidates.find((c) => c.isAdmin) : undefined;
}

export function errorPage(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error ${status}: ${error}</title></head><body><h1>Error ${status}: ${error}</h1><p>${description.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p></body></html>`);
}

/** Query strings and forms as string → string (the first of repeated values). */
export function flatten(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input || typeof input !== "object") return out;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const first: unknown = Array.isArray(v) ? v[0] : v;
    if (typeof first === "string") out[k] = first;
    else if (typeof first === "number" || typeof first === "boolean") out[k] = String(first);
  }
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
