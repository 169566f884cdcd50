import { describe, expect, it, vi } from "vitest";
import { createAuthOptions, signInErrorCode, signInErrorMessage, type AuthOptionsDeps } from "./next-auth";

const domain = (code: string, details?: Record<string, unknown>) => Object.assign(new Error("x"), { code, details });

describe("signInErrorCode", () => {
  it("distinguishes only MFA, rate limiting and everything else", () => {
    expect(signInErrorCode(domain("UNAUTHORIZED", { mfaRequired: true }))).toBe("mfa_required");
    expect(signInErrorCode(domain("UNAUTHORIZED"))).toBe("invalid_credentials");
    expect(signInErrorCode(domain("VALIDATION"))).toBe("invalid_credentials");
    expect(signInErrorCode(domain("RATE_LIMITED", { retryAfterSeconds: 900 }))).toBe("rate_limited");
    expect(signInErrorCode(new Error("connection refused"))).toBe("unavailable");
    expect(signInErrorCode("boom")).toBe("unavailable");
  });

  it("maps unknown codes to the generic message", () => {
    expect(signInErrorMessage("mfa_required")).toBe("Enter your authentication code");
    expect(signInErrorMessage("CredentialsSignin")).toBe("Invalid email, password or code");
    expect(signInErrorMessage(null)).toBeNull();
  });
});

function authorizeWith(verify: AuthOptionsDeps["verifyCredentials"], onUnexpectedError?: (e: unknown) => void) {
  const opts = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: verify, onUnexpectedError });
  const provider = opts.providers[0] as unknown as { options: { authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> } };
  return (c: Record<string, string>, headers: Record<string, string> = {}) => provider.options.authorize(c, { headers });
}

describe("createAuthOptions", () => {
  it("uses JWT sessions of 12 hours and the custom sign-in page", () => {
    const opts = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn() });
    expect(opts.session).toMatchObject({ strategy: "jwt", maxAge: 43_200 });
    expect(opts.pages?.signIn).toBe("/sign-in");
  });

  it("passes the client address and a whitespace-free code to the credential check", async () => {
    const verify = vi.fn().mockResolvedValue({ id: "u1", email: "a@example.com", name: null });
    const authorize = authorizeWith(verify);
    await expect(authorize({ email: " a@example.com ", password: "pw", totp: "123 456" }, { "x-forwarded-for": "203.0.113.9, 10.0.0.1" })).resolves.toEqual({
      id: "u1",
      email: "a@example.com",
      name: null,
    });
    expect(verify).toHaveBeenCalledWith({ email: "a@example.com", password: "pw", totp: "123456", ip: "203.0.113.9" });
  });

  it("throws only public codes, and reports unexpected failures", async () => {
    const onUnexpected = vi.fn();
    await expect(authorizeWith(() => Promise.reject(domain("UNAUTHORIZED", { mfaRequired: true })))({ email: "a@b.c", password: "p" })).rejects.toThrow("mfa_required");
    await expect(authorizeWith(() => Promise.reject(new Error("db down")), onUnexpected)({ email: "a@b.c", password: "p" })).rejects.toThrow("unavailable");
    expect(onUnexpected).toHaveBeenCalledOnce();
    await expect(authorizeWith(vi.fn())({ email: "", password: "" })).rejects.toThrow("invalid_credentials");
  });

  it("carries the user id from the JWT into the session", async () => {
    const opts = createAuthOptions({ secret: "s".repeat(32), verifyCredentials: vi.fn() });
    const jwt = opts.callbacks?.jwt as unknown as (a: { token: Record<string, unknown>; user?: { id: string } }) => Promise<Record<string, unknown>>;
    const session = opts.callbacks?.session as unknown as (a: { session: Record<string, unknown>; token: Record<string, unknown> }) => Promise<Record<string, unknown>>;
    const token = await jwt({ token: {}, user: { id: "u1" } });
    expect(await session({ session: { expires: "x" }, token })).toMatchObject({ userId: "u1" });
  });
});
