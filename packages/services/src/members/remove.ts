import { and, eq, isUuid, memberships, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { assertCanManageRole, assertNotLastOwner } from "./guards";

export async function removeMember(ctx: TenantContext, userId: string) {
  requireRole(ctx, "admin", "Removing a member");
  if (!isUuid(userId)) throw notFound("Member");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [current] = await tx.select().from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId))).for("update");
    if (!current) throw notFound("Member");
    assertCanManageRole(ctx, current.role);
    if (current.role === "owner") await assertNotLastOwner(tx, ctx.tenantId, userId);
    await tx.delete(memberships).where(eq(memberships.id, current.id));
    await audit(tx, ctx, "member.removed", { type: "user", id: userId }, { role: current.role });
    return { removed: true as const };
  });
}
