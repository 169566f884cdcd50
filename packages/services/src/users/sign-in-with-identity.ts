// Sign in with Google / Microsoft (ADR 0016). The identity is matched on the directory's stable ids
// (Workspace domain or Entra tenant id, and the directory user id), never on email: an existing
// Holdfast account with the same email is NOT joined to it, and nobody becomes a member (let alone
// an admin) of anything by signing in this way.
import { and, eq, userIdentities, users, withTenant, type Database } from "@holdfast/db";
import { z } from "zod";
import { audit } from "../context";
import { conflict, validation } from "../errors";
import { listSelfServiceGrants } from "../access/resolve-user";

export const IdentityClaims = z.object({
  provider: z.enum(["google", "microsoft"]),
  /** Google `hd` (the Workspace domain), Entra `tid`. */
  directoryId: z.string().trim().toLowerCase().min(1, "the identity names no organisation directory (a personal account?)").max(200),
  /** Google `sub`, Entra `oid`: the directory's user id. */
  subject: z.string().trim().min(1, "the identity has no subject").max(200),
  email: z.string().trim().toLowerCase().email("the identity carries no usable email").max(254),
  name: z.string().trim().max(200).nullable(),
});
export type IdentityClaims = z.infer<typeof IdentityClaims>;

export interface IdentityUser {
  id: string;
  email: string;
  name: string | null;
}

export async function signInWithIdentity(db: Database, raw: IdentityClaims, meta: { requestId?: string; ip?: string } = {}, now = new Date()): Promise<IdentityUser> {
  const parsed = IdentityClaims.safeParse(raw);
  if (!parsed.success) throw validation(`Cannot sign in with this ${raw.provider === "microsoft" ? "Microsoft" : "Google"} account: ${parsed.error.issues[0]?.message ?? "invalid identity"}`);
  const c = parsed.data;
  const key = and(eq(userIdentities.provider, c.provider), eq(userIdentities.directoryId, c.directoryId), eq(userIdentities.subject, c.subject));

  const user = await db.transaction(async (tx) => {
    const [known] = await tx.update(userIdentities).set({ lastSignInAt: now, email: c.email }).where(key).returning({ userId: userIdentities.userId });
    if (known) {
      const [u] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, known.userId));
      if (!u) throw new Error(`identity ${c.provider}/${c.directoryId} points at a missing user`);
      return u;
    }
    const [created] = await tx
      .insert(users)
      // Google verifies the address of a Workspace account (the token says email_verified); Entra
      // does not verify `email` / `preferred_username`, so a Microsoft address is not marked verified.
      .values({ email: c.email, name: c.name, emailVerified: c.provider === "google" ? now : null })
      .onConflictDoNothing()
      .returning({ id: users.id, email: users.email, name: users.name });
    if (!created) {
      throw conflict("An account with this email already exists. Sign in with your email and password; accounts are never joined by email.");
    }
    await tx.insert(userIdentities).values({ userId: created.id, provider: c.provider, directoryId: c.directoryId, subject: c.subject, email: c.email, createdAt: now, lastSignInAt: now });
    return created;
  });

  // Recorded in every organisation where this sign-in grants self-service.
  const grants = await listSelfServiceGrants(db, user.id);
  for (const g of grants) {
    await withTenant(db, g.tenantId, (tx) =>
      audit(tx, { tenantId: g.tenantId, actor: { type: "user", id: user.id }, requestId: meta.requestId, ip: meta.ip }, "user.signed_in_with_identity", { type: "user", id: user.id }, {
        provider: c.provider,
        directoryId: c.directoryId,
        selfServiceUnits: g.unitIds.length,
      }),
    );
  }
  return user;
}
