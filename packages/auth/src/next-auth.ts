// next-auth (v4) configuration for the console. Credential checking and identity sign-in are injected
// so that this package does not depend on @holdfast/services (which depends on it); the web app
// wires the real verbs in.
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";

/** Sessions are short: a stolen cookie is worth half a working day at most. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface VerifiedUser {
  id: string;
  email: string;
  name: string | null;
}

export interface SignInAttempt {
  email: string;
  password: string;
  totp?: string;
  ip?: string;
}

export type IdentityProviderId = "google" | "microsoft";

/** The directory identity an ID token proves; what @holdfast/services' signInWithIdentity takes. */
export interface IdentityClaims {
  provider: IdentityProviderId;
  /** Google `hd` (the Workspace domain), Entra `tid` (the tenant id). */
  directoryId: string;
  /** Google `sub`, Entra `oid`: the directory's stable user id. */
  subject: string;
  email: string;
  name: string | null;
}

/** An OpenID Connect client: the provider's discovery document and Holdfast's app there. */
export interface OidcClientConfig {
  wellKnown: string;
  clientId: string;
  clientSecret: string;
}

export interface AuthOptionsDeps {
  verifyCredentials: (c: SignInAttempt) => Promise<VerifiedUser>;
  secret: string;
  /** Called with errors that are not a recognised sign-in failure, e.g. to log them. */
  onUnexpectedError?: (err: unknown) => void;
  /** "Sign in with Google / Microsoft": each provider is offered only when configured. */
  identityProviders?: Partial<Record<IdentityProviderId, OidcClientConfig>>;
  /** Finds or creates the Holdfast user of a directory identity (required with identityProviders). */
  signInWithIdentity?: (claims: IdentityClaims) => Promise<VerifiedUser>;
  /** next-auth's own errors (a failed provider callback…), as a code and a message that holds no token. */
  onAuthError?: (code: string, message: string) => void;
}

/**
 * The only sign-in outcomes a browser learns. None of them tells whether an account exists:
 * `mfa_required` is reached only after the password was right.
 */
export const SIGN_IN_ERRORS = {
  invalid_credentials: "Invalid email, password or code",
  mfa_required: "Enter your authentication code",
  rate_limited: "Too many attempts. Wait 15 minutes and try again.",
  unavailable: "Sign-in is unavailable right now. Try again in a moment.",
  identity_email_in_use: "An account with this email already exists. Sign in with your email and password.",
  identity_invalid: "This account cannot sign in here: use your organisation's Google Workspace or Microsoft 365 account.",
  identity_failed: "Sign-in with Google or Microsoft did not complete. Try again.",
} as const;
export type SignInErrorCode = keyof typeof SIGN_IN_ERRORS;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Folds whatever the credential check threw into one of the public sign-in codes. */
export function signInErrorCode(err: unknown): SignInErrorCode {
  if (!isRecord(err)) return "unavailable";
  const details = isRecord(err.details) ? err.details : {};
  if (err.code === "UNAUTHORIZED" && details.mfaRequired === true) return "mfa_required";
  if (err.code === "UNAUTHORIZED" || err.code === "VALIDATION") return "invalid_credentials";
  if (err.code === "RATE_LIMITED") return "rate_limited";
  return "unavailable";
}

/** Folds what resolving a Google / Microsoft identity threw into one of the public sign-in codes. */
export function identitySignInErrorCode(err: unknown): SignInErrorCode {
  if (!isRecord(err)) return "unavailable";
  if (err.code === "CONFLICT") return "identity_email_in_use";
  if (err.code === "VALIDATION" || err.code === "identity_invalid") return "identity_invalid";
  return "unavailable";
}

/** next-auth's codes for a provider round trip that failed (declined consent, bad state, provider error…). */
const OAUTH_FAILURES = new Set(["OAuthSignin", "OAuthCallback", "OAuthCreateAccount", "OAuthAccountNotLinked", "Callback", "AccessDenied"]);

/** Message for a code from the `error` query parameter or a signIn() result; unknown codes get the generic one. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (Object.hasOwn(SIGN_IN_ERRORS, code)) return SIGN_IN_ERRORS[code as SignInErrorCode];
  if (OAUTH_FAILURES.has(code)) return SIGN_IN_ERRORS.identity_failed;
  // next-auth's other codes (CredentialsSignin, SessionRequired, …) are not worth distinguishing.
  return code === "SessionRequired" ? null : SIGN_IN_ERRORS.invalid_credentials;
}

/** A Google / Microsoft account that cannot sign in here: a personal account, an unverified email… */
export class IdentityInvalidError extends Error {
  override name = "IdentityInvalidError";
  readonly code = "identity_invalid";
}

/** Microsoft's tenant of personal accounts (outlook.com…): not an organisation's directory. */
const MSA_CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

const claim = (profile: Record<string, unknown>, key: string): string | undefined => {
  const v = profile[key];
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
};

/**
 * The directory identity in a verified ID token's claims. Only organisation accounts qualify: Google
 * Workspace (`hd`) with a verified email, Entra ID work accounts (`tid` + `oid`). The directory's own
 * ids are what Holdfast matches later; the email is only informational.
 */
export function identityClaimsFrom(provider: IdentityProviderId, profile: unknown): IdentityClaims {
  const label = provider === "google" ? "Google" : "Microsoft";
  const invalid = (why: string) => new IdentityInvalidError(`Cannot sign in with this ${label} account: ${why}`);
  if (!isRecord(profile)) throw invalid("the ID token has no claims");
  const name = claim(profile, "name") ?? null;
  if (provider === "google") {
    const directoryId = claim(profile, "hd");
    if (!directoryId) throw invalid("it is not a Google Workspace account (no hd claim)");
    const subject = claim(profile, "sub");
    if (!subject) throw invalid("the ID token has no sub claim");
    const email = claim(profile, "email");
    if (!email) throw invalid("the ID token has no email claim");
    if (profile.email_verified !== true) throw invalid("its email address is not verified");
    return { provider, directoryId, subject, email, name };
  }
  const directoryId = claim(profile, "tid");
  if (!directoryId) throw invalid("the ID token has no tenant (tid claim)");
  if (directoryId.toLowerCase() === MSA_CONSUMER_TENANT) throw invalid("it is a personal Microsoft account");
  // `oid` is the user's id across the tenant; `sub` differs per app, so it is never a fallback.
  const subject = claim(profile, "oid");
  if (!subject) throw invalid("the ID token has no object id (oid claim)");
  const email = claim(profile, "email") ?? claim(profile, "preferred_username");
  if (!email) throw invalid("the ID token has neither email nor preferred_username");
  return { provider, directoryId, subject, email, name };
}

function clientIp(headers: unknown): string | undefined {
  if (!isRecord(headers)) return undefined;
  const forwarded = headers["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  const real = headers["x-real-ip"];
  return first || (typeof real === "string" ? real : undefined) || undefined;
}

/**
 * What next-auth logs about an error, reduced to its name and message. Its default logger prints
 * the whole error, and openid-client's errors carry the ID token (`jwt`) or the token response.
 */
export function authErrorMessage(metadata: unknown): string {
  const err = metadata instanceof Error ? metadata : isRecord(metadata) && metadata.error instanceof Error ? metadata.error : undefined;
  const provider = isRecord(metadata) && typeof metadata.providerId === "string" ? ` (${metadata.providerId})` : "";
  return err ? `${err.name}: ${err.message}${provider}` : `unknown error${provider}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TokenRequest = Extract<NonNullable<OAuthConfig<Record<string, unknown>>["token"]>, { request?: unknown }>["request"];
type TokenContext = Parameters<NonNullable<TokenRequest>>[0];

/**
 * The code exchange of an Entra multi-tenant (`organizations`) client. Its discovery document names
 * the issuer `…/{tenantid}/v2.0` while each ID token carries its own tenant's issuer. openid-client
 * substitutes `tid` into that template only for login.microsoftonline.com's own discovery URLs, so
 * against any other host (the sandbox) it would reject every token. This does what its callback()
 * does (state, PKCE, code exchange, then the full ID token validation: signature from the JWKS,
 * aud, exp, iat) against an issuer with the token's own `tid` substituted, as openid-client does for
 * Azure AD. The unverified `tid` only chooses the expected issuer; the signature still decides.
 */
async function entraCodeExchange({ provider, params, checks, client }: TokenContext) {
  const template = client.issuer.metadata.issuer;
  if (!template.includes("{tenantid}")) return { tokens: await client.callback(provider.callbackUrl, params, checks) };
  if (params.error) throw new Error(`Microsoft returned ${params.error}`);
  if (!params.state || params.state !== checks.state) throw new Error("state mismatch");
  if (!params.code) throw new Error("no authorization code in the callback");
  const tokens = await client.grant({ grant_type: "authorization_code", code: params.code, redirect_uri: provider.callbackUrl, code_verifier: checks.code_verifier });
  if (!tokens.id_token) throw new Error("the token response has no ID token");
  const tid = tokens.claims().tid;
  if (typeof tid !== "string" || !GUID.test(tid)) throw new Error("the ID token names no tenant (tid)");
  const TenantIssuer = client.issuer.constructor as new (metadata: typeof client.issuer.metadata) => typeof client.issuer;
  const tenantIssuer = new TenantIssuer({ ...client.issuer.metadata, issuer: template.replace("{tenantid}", tid) });
  // validateIdToken is what callback() runs on the token response (openid-client 5 has it public, untyped).
  const tenantClient = new tenantIssuer.Client(client.metadata) as unknown as { validateIdToken(t: typeof tokens, nonce: undefined, returnedBy: "token"): Promise<unknown> };
  // next-auth sets the clock tolerance (a symbol-keyed option) on its client: keep it.
  for (const key of Object.getOwnPropertySymbols(client)) Object.assign(tenantClient, { [key]: (client as unknown as Record<symbol, unknown>)[key] });
  await tenantClient.validateIdToken(tokens, undefined, "token");
  return { tokens };
}

/** A generic next-auth OIDC provider: the ID token's claims are the profile; `id` is replaced at sign-in. */
function oidcProvider(id: IdentityProviderId, cfg: OidcClientConfig): OAuthConfig<Record<string, unknown>> {
  return {
    id,
    name: id === "google" ? "Google" : "Microsoft",
    type: "oauth",
    wellKnown: cfg.wellKnown,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    idToken: true,
    checks: ["pkce", "state"],
    authorization: { params: { scope: "openid email profile", ...(id === "google" ? { prompt: "select_account" } : {}) } },
    ...(id === "microsoft" ? { token: { request: entraCodeExchange } } : {}),
    // Must not throw (next-auth would log the claims); identityClaimsFrom validates in signIn.
    profile: (p) => ({ id: `${id}:${typeof p.sub === "string" ? p.sub : "?"}`, email: typeof p.email === "string" ? p.email : null, name: typeof p.name === "string" ? p.name : null }),
  };
}

export function createAuthOptions(deps: AuthOptionsDeps): NextAuthOptions {
  const identityProviders = Object.entries(deps.identityProviders ?? {}).filter((e): e is [IdentityProviderId, OidcClientConfig] => e[1] !== undefined);
  const { signInWithIdentity } = deps;
  if (identityProviders.length && !signInWithIdentity) throw new Error("createAuthOptions: identityProviders need signInWithIdentity");
  // The Holdfast user each OIDC sign-in resolved to, keyed by the very `user` object next-auth
  // hands first to `signIn` and then to `jwt` (without an adapter both are the provider profile:
  // next-auth/core/routes/callback.js). Only what signIn resolved can reach a token.
  const resolved = new WeakMap<object, VerifiedUser>();
  return {
    secret: deps.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 60 * 60 },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in", signOut: "/sign-in" },
    logger: {
      error: (code, metadata) => (deps.onAuthError ?? ((c, m) => console.error(`[next-auth] ${c}: ${m}`)))(code, authErrorMessage(metadata)),
      warn: (code) => console.warn(`[next-auth] ${code}`),
      // next-auth's debug output includes tokens: never.
      debug: () => undefined,
    },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          totp: { label: "Authentication code", type: "text" },
        },
        async authorize(credentials, req) {
          const email = credentials?.email?.trim() ?? "";
          const password = credentials?.password ?? "";
          if (!email || !password) throw new Error("invalid_credentials" satisfies SignInErrorCode);
          const totp = credentials?.totp?.replace(/\s+/g, "") || undefined;
          try {
            const user = await deps.verifyCredentials({ email, password, totp, ip: clientIp(req.headers) });
            return { id: user.id, email: user.email, name: user.name };
          } catch (err) {
            const code = signInErrorCode(err);
            if (code === "unavailable") deps.onUnexpectedError?.(err);
            // next-auth puts the message into the `error` query parameter / signIn() result.
            throw new Error(code);
          }
        },
      }),
      ...identityProviders.map(([id, cfg]) => oidcProvider(id, cfg)),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.type !== "oauth") return true;
        if (!signInWithIdentity || !identityProviders.some(([id]) => id === account.provider)) return false;
        try {
          const claims = identityClaimsFrom(account.provider as IdentityProviderId, profile);
          const found = await signInWithIdentity(claims);
          resolved.set(user, found);
          Object.assign(user, { id: found.id, email: found.email, name: found.name } satisfies User);
          return true;
        } catch (err) {
          const code = identitySignInErrorCode(err);
          if (code === "unavailable") deps.onUnexpectedError?.(err);
          return `/sign-in?error=${code}`;
        }
      },
      jwt({ token, user, account }) {
        if (!user) return token;
        if (account?.type === "oauth") {
          // Our user id, never the provider's subject; fail closed if signIn did not resolve it.
          const found = resolved.get(user);
          if (!found) throw new Error("identity sign-in was not resolved");
          resolved.delete(user);
          return { ...token, sub: found.id, userId: found.id, email: found.email, name: found.name };
        }
        token.userId = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.userId === "string") session.userId = token.userId;
        return session;
      },
    },
  };
}

declare module "next-auth" {
  interface Session {
    /** The signed-in user's id; set by the session callback from the JWT. */
    userId?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    userId?: string;
  }
}
