import { and, eq, invitations, isNull, isUuid, memberships, sql, users, withTenant, type Database } from "@holdfast/db";
import { roleAtLeast } from "@holdfast/auth";
import { audit } from "../context";
import { announceToAdmins } from "../notify/announce";
import { notFound } from "../errors";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { hashInvitationToken } from "./invite";

/**
 * The signed-in user accepts an invitation sent to their email address. A wrong, expired,
 * revoked or someone else's invitation is uniformly "not found".
 */
export async function acceptInvitation(db: Database, userId: string, token: string, meta: { requestId?: string; ip?: string } = {}, now = new Date()) {
  const [tenantId, secret] = token.split(".");
  if (!tenantId || !secret || !isUuid(tenantId)) throw notFound("Invitation");
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) throw notFound("Invitation");
  const joined = await withTenant(db, tenantId, async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.tokenHash, hashInvitationToken(secret)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), sql`${invitations.expiresAt} > ${now}`))
      .for("update");
    if (!inv || inv.email.toLowerCase() !== user.email.toLowerCase()) throw notFound("Invitation");
    // An invitation sent before the closure brings no one in after it (the members it had stay).
    await refuseIfOrganizationClosed(tx, tenantId, "its invitations cannot be accepted");
    await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, inv.id));
    await tx.insert(memberships).values({ tenantId, userId, role: inv.role }).onConflictDoNothing();
    await audit(tx, { tenantId, actor: { type: "user", id: userId }, ...meta }, "member.joined", { type: "user", id: userId }, { role: inv.role, invitationId: inv.id });
    return { tenantId, role: inv.role };
  });
  // A new owner or admin is a new approver of guarded requests (ADR 0020): the others hear of it.
  if (roleAtLeast(joined.role, "admin")) {
    await announceToAdmins(db, tenantId, {
      about: "member.joined",
      actor: { type: "user", id: userId },
      subject: `${user.email} joined as ${joined.role}`,
      text: `${user.email} accepted an invitation and joined as ${joined.role}. They can approve guarded requests made from now on.`,
    }, meta.requestId ? { requestId: meta.requestId } : {});
  }
  return joined;
}
