import { newTotpSecret, open, seal, totpUri, verifyTotp } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { asc, eq, userIdentities, users, type Database } from "@holdfast/db";
import { conflict, notFound, validation } from "../errors";
import { auditUserEvent } from "./audit-all";
import { totpPurpose } from "./verify-credentials";

async function getUser(db: Database, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound("User");
  return user;
}

/** Step 1: a fresh secret, stored sealed and not yet in force, and the otpauth:// URI for the QR code. */
export async function startTotpEnrolment(db: Database, userId: string) {
  const user = await getUser(db, userId);
  if (user.totpEnabled) throw conflict("Two-factor authentication is already enabled");
  const secret = newTotpSecret();
  await db.update(users).set({ totpSecretEnc: seal(kekConfig().kek, secret, totpPurpose(userId)) }).where(eq(users.id, userId));
  return { secret, uri: totpUri(secret, user.email) };
}

/** Step 2: a correct code from the authenticator turns the second factor on. */
export async function confirmTotpEnrolment(db: Database, userId: string, code: string, meta: { requestId?: string; ip?: string } = {}) {
  const user = await getUser(db, userId);
  if (user.totpEnabled) throw conflict("Two-factor authentication is already enabled");
  if (!user.totpSecretEnc) throw validation("Start enrolment first");
  const secret = open(kekConfig().kek, user.totpSecretEnc, totpPurpose(userId));
  if (!verifyTotp(secret, code.trim())) throw validation("That code is not valid. Check the time on your device and try again.");
  await db.update(users).set({ totpEnabled: true }).where(eq(users.id, userId));
  await auditUserEvent(db, userId, "user.mfa_enabled", { ...meta, metadata: { method: "totp" } });
  return { enabled: true as const };
}

/**
 * Who is signed in, and how they sign in: with a password (and Holdfast's TOTP), or with their
 * organisation's Google / Microsoft account (whose own second factor protects it, ADR 0016).
 */
export async function getProfile(db: Database, userId: string) {
  const user = await getUser(db, userId);
  const [identity] = user.passwordHash
    ? []
    : await db.select({ provider: userIdentities.provider }).from(userIdentities).where(eq(userIdentities.userId, userId)).orderBy(asc(userIdentities.createdAt)).limit(1);
  const signInWith: "password" | "google" | "microsoft" = identity?.provider ?? "password";
  return { id: user.id, email: user.email, name: user.name, mfaEnabled: user.totpEnabled, signInWith };
}
