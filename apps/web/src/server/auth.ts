import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { createAuthOptions, type IdentityProviderId } from "@holdfast/auth/next-auth";
import { authConfig, signInProvidersConfig } from "@holdfast/config";
import { childLogger } from "@holdfast/logger";
import { signInWithIdentity, verifyCredentials } from "@holdfast/services";
import { db } from "./db";

let options: NextAuthOptions | undefined;

/** Built on first use, not at import, so `next build` does not need the secrets. */
export function authOptions(): NextAuthOptions {
  return (options ??= createAuthOptions({
    secret: authConfig().secret,
    verifyCredentials: (c) => verifyCredentials(db(), c),
    // "Sign in with Google / Microsoft": matched on the directory's ids, never joined by email (ADR 0016).
    identityProviders: signInProvidersConfig(),
    signInWithIdentity: (claims) => signInWithIdentity(db(), claims),
    onUnexpectedError: (err) => childLogger({ component: "auth" }).error({ err }, "sign-in failed unexpectedly"),
    onAuthError: (code, message) => childLogger({ component: "auth" }).warn({ code, message }, "next-auth error"),
  }));
}

/** The "Sign in with …" providers this deployment offers, in the order the sign-in page shows them. */
export function identitySignInProviders(): IdentityProviderId[] {
  const ids = new Set(authOptions().providers.map((p) => p.id));
  return (["google", "microsoft"] as const).filter((id) => ids.has(id));
}

/** The signed-in user's id, once per request. */
export const currentUserId = cache(async (): Promise<string | null> => {
  const session = await getServerSession(authOptions());
  return session?.userId ?? null;
});

export async function requireUserId(returnTo: string): Promise<string> {
  const userId = await currentUserId();
  if (!userId) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return userId;
}
