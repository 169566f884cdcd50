// Raising a member's role applies at once (and is announced to the admins by its audit trail);
// lowering one is a guarded request (docs/adr/0020-guarded-requests.md).
import { roleAtLeast } from "@holdfast/auth";
import { and, eq, memberships, users, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { announceToAdmins } from "../notify/announce";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { Guarded } from "../guard/types";
import { ChangeRoleInput } from "../types";
import { assertCanManageRole, assertNotLastOwner } from "./guards";

export async function changeMemberRole(ctx: TenantContext, raw: ChangeRoleInput, deps: GuardDeps = { guard: undefined }): Promise<Guarded<{ userId: string; role: ChangeRoleInput["role"] }>> {
  const input = ChangeRoleInput.parse(raw);
  requireRole(ctx, "admin", "Changing a member's role");
  assertCanManageRole(ctx, input.role);
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [current] = await tx
      .select({ id: memberships.id, role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, input.userId)))
      .for("update", { of: memberships });
    if (!current) throw notFound("Member");
    assertCanManageRole(ctx, current.role);
    if (current.role === "owner" && input.role !== "owner") await assertNotLastOwner(tx, ctx.tenantId, input.userId);
    if (current.role === input.role) return null;
    if (!roleAtLeast(input.role, current.role)) {
      return insertGuardedRequest(tx, ctx, {
        kind: "member.demote",
        params: { userId: input.userId, role: input.role },
        summary: `Lower ${current.email}'s role from ${current.role} to ${input.role}`,
      });
    }
    await tx.update(memberships).set({ role: input.role }).where(eq(memberships.id, current.id));
    await audit(tx, ctx, "member.role_changed", { type: "user", id: input.userId }, { from: current.role, to: input.role });
    return { raised: { email: current.email, from: current.role } };
  });
  if (outcome && "raised" in outcome) {
    // A new owner or admin is a new approver of guarded requests: the others hear of it at once.
    if (roleAtLeast(input.role, "admin")) {
      await announceToAdmins(ctx.db, ctx.tenantId, {
        about: "member.role_changed",
        actor: ctx.actor,
        subject: `${outcome.raised.email} was made ${input.role}`,
        text: `${outcome.raised.email} was made ${input.role} (was ${outcome.raised.from}). They can now approve guarded requests made from now on.`,
      }, ctx.requestId ? { requestId: ctx.requestId } : {});
    }
  } else if (outcome) return { outcome: "requested", request: await startGuardedRequest(ctx, outcome, deps) };
  return { outcome: "applied", result: { userId: input.userId, role: input.role } };
}
