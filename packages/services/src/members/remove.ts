// Removing a member is a guarded request (docs/adr/0020-guarded-requests.md): an intruder with an
// admin's session must not be able to lock the other admins out before they can react.
import { and, eq, isUuid, memberships, users, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { assertCanManageRole, assertNotLastOwner } from "./guards";

export async function removeMember(ctx: TenantContext, userId: string, deps: GuardDeps = { guard: undefined }): Promise<GuardedRequestView> {
  requireRole(ctx, "admin", "Removing a member");
  if (!isUuid(userId)) throw notFound("Member");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [current] = await tx
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId)));
    if (!current) throw notFound("Member");
    assertCanManageRole(ctx, current.role);
    if (current.role === "owner") await assertNotLastOwner(tx, ctx.tenantId, userId);
    return insertGuardedRequest(tx, ctx, {
      kind: "member.remove",
      params: { userId },
      summary: `Remove ${current.email} (${current.role}) from the organisation`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}

