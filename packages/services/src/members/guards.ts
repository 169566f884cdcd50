import { roleAtLeast, type Role } from "@holdfast/auth";
import { and, eq, memberships, sql, type Tx } from "@holdfast/db";
import type { TenantContext } from "../context";
import { forbidden, preconditionFailed } from "../errors";

/** Nobody hands out or takes away a role above their own; only owners manage owners. */
export function assertCanManageRole(ctx: TenantContext, role: Role): void {
  if (!roleAtLeast(ctx.role, role) || (role === "owner" && ctx.role !== "owner")) {
    throw forbidden(`Only ${role === "owner" ? "an owner" : `an ${role} or above`} can grant or remove the ${role} role`);
  }
}

/** An organisation always keeps at least one owner. */
export async function assertNotLastOwner(tx: Tx, tenantId: string, userId: string): Promise<void> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner"), sql`${memberships.userId} <> ${userId}`));
  if ((row?.n ?? 0) === 0) throw preconditionFailed("The organisation must keep at least one owner");
}
