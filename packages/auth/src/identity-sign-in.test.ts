// "Sign in with Google / Microsoft": which ID tokens qualify, what the browser is told, and that the
// session carries Holdfast's user id (never the provider's subject).
import { describe, expect, it, vi } from "vitest";
import { authErrorMessage, createAuthOptions, identityClaimsFrom, identitySignInErrorCode, IdentityInvalidError, signInErrorMessage, type AuthOptionsDeps, type VerifiedUser } from "./next-auth";

const google = { iss: "https://accounts.google.com", sub: "1084", hd: "acme.example", email: "ada@acme.example", email_verified: true, name: "Ada Lovelace" };
const tid = "0f6c3a2e-5d1b-4c7a-9e8f-1a2b3c4d5e6f";
const microsoft = { iss: `https://login.microsoftonline.com/${tid}/v2.0`, tid, oid: "9b1d0d0e-aaaa-4bbb-8ccc-123456789abc", sub: "pairwise-sub", preferred_username: "grace@contoso.example", name: "Grace Hopper" };

const invalid = (fn: () => unknown, why: RegExp) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IdentityInvalidError);
    expect((err as IdentityInvalidError).code).toBe("identity_invalid");
    expect((err as Error).message).toMatch(why);
    return;
  }
  throw new Error("expected identity_invalid");
};

describe("identityClaimsFrom", () => {
  it("maps a Google Workspace ID token to its domain and user id", () => {
    expect(identityClaimsFrom("google", google)).toEqual({ provider: "google", directoryId: "acme.example", subject: "1084", email: "ada@acme.example", name: "Ada Lovelace" });
  });

  it("refuses Google accounts without a Workspace domain or a verified email", () => {
    invalid(() => identityClaimsFrom("google", { ...google, hd: undefined }), /Google Workspace account \(no hd claim\)/);
    invalid(() => identityClaimsFrom("google", { ...google, hd: " " }), /no hd claim/);
    invalid(() => identityClaimsFrom("google", { ...google, email_verified: false }), /not verified/);
    invalid(() => identityClaimsFrom("google", { ...google, email_verified: "true" }), /not verified/);
    invalid(() => identityClaimsFrom("google", { ...google, sub: undefined }), /no sub claim/);
    invalid(() => identityClaimsFrom("google", { ...google, email: undefined }), /no email claim/);
    invalid(() => identityClaimsFrom("google", null), /no claims/);
  });

  it("maps an Entra ID token to its tenant and object id, with preferred_username when there is no email", () => {
    expect(identityClaimsFrom("microsoft", microsoft)).toEqual({ provider: "microsoft", directoryId: tid, subject: microsoft.oid, email: "grace@contoso.example", name: "Grace Hopper" });
    expect(identityClaimsFrom("microsoft", { ...microsoft, email: "g.hopper@contoso.example", name: undefined })).toMatchObject({ email: "g.hopper@contoso.example", name: null });
  });

  it("refuses Entra tokens without tid or oid (sub is per-app, never a fallback) and personal accounts", () => {
    invalid(() => identityClaimsFrom("microsoft", { ...microsoft, oid: undefined }), /oid claim/);
    invalid(() => identityClaimsFrom("microsoft", { ...microsoft, tid: undefined }), /tid claim/);
    invalid(() => identityClaimsFrom("microsoft", { ...microsoft, tid: "9188040d-6c67-4c5b-b112-36a304b66dad" }), /personal Microsoft account/);
    invalid(() => identityClaimsFrom("microsoft", { ...microsoft, preferred_username: undefined }), /neither email nor preferred_username/);
  });
});

const domain = (code: string) => Object.assign(new Error("x"), { code });

describe("identity sign-in errors", () => {
  it("tells apart an email already in use and an account that cannot sign in, hiding everything else", () => {
    expect(identitySignInErrorCode(domain("CONFLICT"))).toBe("identity_email_in_use");
    expect(identitySignInErrorCode(domain("VALIDATION"))).toBe("identity_invalid");
    expect(identitySignInErrorCode(new IdentityInvalidError("personal account"))).toBe("identity_invalid");
    expect(identitySignInErrorCode(new Error("connection refused"))).toBe("unavailable");
    expect(identitySignInErrorCode(undefined)).toBe("unavailable");
  });

  it("has a message for each, and one for a provider round trip that failed", () => {
    expect(signInErrorMessage("identity_email_in_use")).toBe("An account with this email already exists. Sign in with your email and password.");
    expect(signInErrorMessage("identity_invalid")).toBe("This account cannot sign in here: use your organisation's Google Workspace or Microsoft 365 account.");
    expect(signInErrorMessage("OAuthCallback")).toBe("Sign-in with Google or Microsoft did not complete. Try again.");
    expect(signInErrorMessage("AccessDenied")).toBe("Sign-in with Google or Microsoft did not complete. Try again.");
    // Inherited object keys are not codes.
    expect(signInErrorMessage("constructor")).toBe("Invalid email, password or code");
  });
});

const apps = {
  google: { wellKnown: "https://accounts.google.com/.well-known/openid-configuration", clientId: "g-id", clientSecret: "g-secret" },
  microsoft: { wellKnown: "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", clientId: "m-id", clientSecret: "m-secret" },
};

type SignIn = (a: { user: Record<string, unknown>; account: Record<string, unknown> | null; profile?: Record<string, unknown> }) => Promise<boolean | string>;
type Jwt = (a: { token: Record<string, unknown>; user?: Record<string, unknown>; account?: Record<string, unknown> | null }) => Promise<Record<string, unknown>>;

function withIdentity(signInWithIdentity: AuthOptionsDeps["signInWithIdentity"], onUnexpectedError?: (e: unknown) => void) {
  const opts = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn(), identityProviders: apps, signInWithIdentity, onUnexpectedError });
  return { opts, signIn: opts.callbacks?.signIn as unknown as SignIn, jwt: opts.callbacks?.jwt as unknown as Jwt };
}

const ours: VerifiedUser = { id: "7d3e8f0a-0000-4000-8000-000000000001", email: "grace@contoso.example", name: "Grace Hopper" };

describe("createAuthOptions with identity providers", () => {
  it("offers Google and Microsoft as OIDC providers with PKCE and state, only when configured", () => {
    const { opts } = withIdentity(vi.fn());
    const byId = Object.fromEntries(opts.providers.map((p) => [p.id, p as unknown as Record<string, unknown>]));
    expect(Object.keys(byId)).toEqual(["credentials", "google", "microsoft"]);
    for (const id of ["google", "microsoft"] as const) {
      expect(byId[id]).toMatchObject({ type: "oauth", wellKnown: apps[id].wellKnown, clientId: apps[id].clientId, clientSecret: apps[id].clientSecret, idToken: true, checks: ["pkce", "state"] });
      expect(byId[id]?.authorization).toMatchObject({ params: { scope: "openid email profile" } });
    }
    const plain = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn(), identityProviders: { google: apps.google }, signInWithIdentity: vi.fn() });
    expect(plain.providers.map((p) => p.id)).toEqual(["credentials", "google"]);
    expect(() => createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn(), identityProviders: apps })).toThrow(/signInWithIdentity/);
  });

  it("puts Holdfast's user id, not the provider's subject, into the token", async () => {
    const resolve = vi.fn().mockResolvedValue(ours);
    const { signIn, jwt } = withIdentity(resolve);
    // next-auth (without an adapter) passes the one profile object to signIn and then to jwt.
    const user = { id: `microsoft:${microsoft.sub}`, email: microsoft.preferred_username, name: microsoft.name };
    const account = { type: "oauth", provider: "microsoft", providerAccountId: user.id, id_token: "eyJ.secret.token" };
    expect(await signIn({ user, account, profile: microsoft })).toBe(true);
    expect(resolve).toHaveBeenCalledWith({ provider: "microsoft", directoryId: tid, subject: microsoft.oid, email: "grace@contoso.example", name: "Grace Hopper" });
    const token = await jwt({ token: { sub: user.id, name: "x" }, user, account });
    expect(token).toMatchObject({ sub: ours.id, userId: ours.id, email: ours.email });
    expect(JSON.stringify(token)).not.toContain("secret");
    // A later request has no user: the token is kept as it is.
    expect(await jwt({ token })).toBe(token);
  });

  it("refuses to mint a token for an identity signIn did not resolve", async () => {
    const { jwt } = withIdentity(vi.fn());
    await expect(Promise.resolve().then(() => jwt({ token: {}, user: { id: "google:1084" }, account: { type: "oauth", provider: "google" } }))).rejects.toThrow(/not resolved/);
  });

  it("sends refused sign-ins back to /sign-in with a public code, reporting only the unexpected ones", async () => {
    const onUnexpected = vi.fn();
    const attempt = (resolve: AuthOptionsDeps["signInWithIdentity"], profile: Record<string, unknown> = google) =>
      withIdentity(resolve, onUnexpected).signIn({ user: { id: "google:1084" }, account: { type: "oauth", provider: "google" }, profile });
    expect(await attempt(() => Promise.reject(domain("CONFLICT")))).toBe("/sign-in?error=identity_email_in_use");
    expect(await attempt(() => Promise.reject(domain("VALIDATION")))).toBe("/sign-in?error=identity_invalid");
    const resolve = vi.fn();
    expect(await attempt(resolve, { ...google, hd: undefined })).toBe("/sign-in?error=identity_invalid");
    expect(resolve).not.toHaveBeenCalled();
    expect(onUnexpected).not.toHaveBeenCalled();
    expect(await attempt(() => Promise.reject(new Error("db down")))).toBe("/sign-in?error=unavailable");
    expect(onUnexpected).toHaveBeenCalledOnce();
  });

  it("leaves password sign-in alone and refuses providers it was not given", async () => {
    const { signIn } = withIdentity(vi.fn());
    expect(await signIn({ user: { id: "u1" }, account: { type: "credentials", provider: "credentials" } })).toBe(true);
    const only = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn(), identityProviders: { google: apps.google }, signInWithIdentity: vi.fn() });
    const signInOnly = only.callbacks?.signIn as unknown as SignIn;
    expect(await signInOnly({ user: { id: "x" }, account: { type: "oauth", provider: "microsoft" }, profile: microsoft })).toBe(false);
  });
});

describe("authErrorMessage", () => {
  it("keeps an error's name and message, never the tokens openid-client attaches to it", () => {
    const rp = Object.assign(new Error("unexpected iss value"), { name: "RPError", jwt: "eyJhbGciOi.payload.sig" });
    expect(authErrorMessage({ error: rp, providerId: "microsoft" })).toBe("RPError: unexpected iss value (microsoft)");
    expect(authErrorMessage(Object.assign(new Error("bad"), { tokenset: { access_token: "ya29.secret" } }))).toBe("Error: bad");
    expect(authErrorMessage({ providerId: "google" })).toBe("unknown error (google)");
  });
});
