// next-auth (v4) configuration for the console. Credential checking is injected so that this package
// does not depend on @holdfast/services (which depends on it); the web app wires the real verb in.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

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

export interface AuthOptionsDeps {
  verifyCredentials: (c: SignInAttempt) => Promise<VerifiedUser>;
  secret: string;
  /** Called with errors that are not a recognised sign-in failure, e.g. to log them. */
  onUnexpectedError?: (err: unknown) => void;
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

/** Message for a code from the `error` query parameter or a signIn() result; unknown codes get the generic one. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code in SIGN_IN_ERRORS) return SIGN_IN_ERRORS[code as SignInErrorCode];
  // next-auth's own codes (CredentialsSignin, SessionRequired, …) are not worth distinguishing.
  return code === "SessionRequired" ? null : SIGN_IN_ERRORS.invalid_credentials;
}

function clientIp(headers: unknown): string | undefined {
  if (!isRecord(headers)) return undefined;
  const forwarded = headers["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  const real = headers["x-real-ip"];
  return first || (typeof real === "string" ? real : undefined) || undefined;
}

export function createAuthOptions(deps: AuthOptionsDeps): NextAuthOptions {
  return {
    secret: deps.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 60 * 60 },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in", signOut: "/sign-in" },
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
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.userId = user.id;
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
