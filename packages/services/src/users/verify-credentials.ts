import { burnPasswordCheck, open, verifyPassword, verifyTotp } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { and, eq, gte, loginAttempts, sql, users, type Database } from "@holdfast/db";
import { DomainError, rateLimited, unauthorized } from "../errors";
import { auditUserEvent } from "./audit-all";

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

export interface Credentials {
  email: string;
  password: string;
  totp?: string;
  ip?: string;
  requestId?: string;
}

export const totpPurpose = (userId: string) => `totp:${userId}`;

/** The one message for every kind of failure, so the response never says which part was wrong. */
const INVALID = "Invalid email, password or authentication code";

async function failuresSince(db: Database, key: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.key, key), eq(loginAttempts.succeeded, false), gte(loginAttempts.attemptedAt, since)));
  return row?.n ?? 0;
}

/**
 * Email + password (+ TOTP once enrolled). Rate-limited per account and per client address;
 * every outcome is recorded. Returns the user on success.
 */
export async function verifyCredentials(db: Database, c: Credentials, now = new Date()) {
  const email = c.email.trim().toLowerCase();
  const keys = [`email:${email}`, ...(c.ip ? [`ip:${c.ip}`] : [])];
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  if ((await failuresSince(db, keys[0] ?? "", since)) >= MAX_FAILURES_PER_ACCOUNT || (c.ip && (await failuresSince(db, `ip:${c.ip}`, since)) >= MAX_FAILURES_PER_ADDRESS)) {
    throw rateLimited("Too many failed sign-in attempts. Try again in 15 minutes.", SIGN_IN_WINDOW_MS / 1000);
  }
  const record = (succeeded: boolean) => db.insert(loginAttempts).values(keys.map((key) => ({ key, succeeded, attemptedAt: now })));

  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (!user?.passwordHash) {
    await burnPasswordCheck(c.password);
    await record(false);
    throw unauthorized(INVALID);
  }
  if (!(await verifyPassword(user.passwordHash, c.password))) {
    await record(false);
    throw unauthorized(INVALID);
  }
  if (user.totpEnabled) {
    if (!c.totp) throw new DomainError("UNAUTHORIZED", "Enter the 6-digit code from your authenticator app", { mfaRequired: true });
    const secret = user.totpSecretEnc ? open(kekConfig().kek, user.totpSecretEnc, totpPurpose(user.id)) : null;
    if (!secret || !verifyTotp(secret, c.totp, now.getTime())) {
      await record(false);
      throw unauthorized(INVALID);
    }
  }
  await record(true);
  await auditUserEvent(db, user.id, "user.signed_in", { requestId: c.requestId, ip: c.ip, metadata: { mfa: user.totpEnabled } });
  return { id: user.id, email: user.email, name: user.name, mfaEnabled: user.totpEnabled };
}
