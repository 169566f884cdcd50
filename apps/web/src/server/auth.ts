import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { createAuthOptions } from "@holdfast/auth/next-auth";
import { authConfig } from "@holdfast/config";
import { childLogger } from "@holdfast/logger";
import { verifyCredentials } from "@holdfast/services";
import { db } from "./db";

let options: NextAuthOptions | undefined;

/** Built on first use, not at import, so `next build` does not need the secrets. */
export function authOptions(): NextAuthOptions {
  return (options ??= createAuthOptions({
    secret: authConfig().secret,
    verifyCredentials: (c) => verifyCredentials(db(), c),
    onUnexpectedError: (err) => childLogger({ component: "auth" }).error({ err }, "sign-in failed unexpectedly"),
  }));
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
