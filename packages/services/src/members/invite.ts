import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, invitations, isNull, memberships, sql, users, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { InviteMemberInput, iso, isoOrNull, type Invitation } from "../types";
import { assertCanManageRole } from "./guards";

export const INVITATION_TTL_DAYS = 7;

export const hashInvitationToken = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Invitation tokens carry the tenant id (not secret) so that acceptance can enter the right tenant. */
export function formatInvitationToken(tenantId: string, secret: string) {
  return `${tenantId}.${secret}`;
}

export function toInvitation(r: typeof invitations.$inferSelect): Invitation {
  return { id: r.id, email: r.email, role: r.role, createdAt: iso(r.createdAt), expiresAt: iso(r.expiresAt), acceptedAt: isoOrNull(r.acceptedAt), revokedAt: isoOrNull(r.revokedAt) };
}

/** Creates an invitation and returns its token once; the link is sent to (or shared with) the invitee. */
export async function inviteMember(ctx: TenantContext, raw: InviteMemberInput, now = new Date()) {
  const input = InviteMemberInput.parse(raw);
  requireRole(ctx, "admin", "Inviting a member");
  assertCanManageRole(ctx, input.role);
  const secret = randomBytes(32).toString("base64url");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "no one new can be invited");
    const existing = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, ctx.tenantId), sql`lower(${users.email}) = ${input.email}`));
    if (existing.length > 0) throw conflict(`${input.email} is already a member`);
    const [row] = await tx
      .insert(invitations)
      .values({
        tenantId: ctx.tenantId,
        email: input.email,
        role: input.role,
        tokenHash: hashInvitationToken(secret),
        invitedByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
      })
      .returning();
    if (!row) throw new Error("invitation insert returned no row");
    await audit(tx, ctx, "member.invited", { type: "invitation", id: row.id }, { email: input.email, role: input.role });
    return { invitation: toInvitation(row), token: formatInvitationToken(ctx.tenantId, secret) };
  });
}

export async function listInvitations(ctx: TenantContext): Promise<Invitation[]> {
  requireRole(ctx, "admin", "Listing invitations");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select().from(invitations).where(and(eq(invitations.tenantId, ctx.tenantId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))).orderBy(desc(invitations.createdAt)),
  );
  return rows.map(toInvitation);
}
