import { and, eq, memberships, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { ChangeRoleInput } from "../types";
import { assertCanManageRole, assertNotLastOwner } from "./guards";

export async function changeMemberRole(ctx: TenantContext, raw: ChangeRoleInput) {
  const input = ChangeRoleInput.parse(raw);
  requireRole(ctx, "admin", "Changing a member's role");
  assertCanManageRole(ctx, input.role);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [current] = await tx.select().from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, input.userId))).for("update");
    if (!current) throw notFound("Member");
    assertCanManageRole(ctx, current.role);
    if (current.role === "owner" && input.role !== "owner") await assertNotLastOwner(tx, ctx.tenantId, input.userId);
    await tx.update(memberships).set({ role: input.role }).where(eq(memberships.id, current.id));
    await audit(tx, ctx, "member.role_changed", { type: "user", id: input.userId }, { from: current.role, to: input.role });
    return { userId: input.userId, role: input.role };
  });
}
