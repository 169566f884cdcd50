import { and, eq, invitations, isNull, isUuid, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";

export async function revokeInvitation(ctx: TenantContext, invitationId: string) {
  requireRole(ctx, "admin", "Revoking an invitation");
  if (!isUuid(invitationId)) throw notFound("Invitation");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.id, invitationId), eq(invitations.tenantId, ctx.tenantId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw notFound("Invitation");
    await audit(tx, ctx, "member.invitation_revoked", { type: "invitation", id: invitationId }, { email: row.email });
    return { revoked: true as const };
  });
}
