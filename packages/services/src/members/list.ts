import { asc, eq, memberships, users, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { iso, type Member } from "../types";

export async function listMembers(ctx: TenantContext): Promise<Member[]> {
  requireRole(ctx, "viewer", "Listing members");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select({ m: memberships, email: users.email, name: users.name, mfa: users.totpEnabled })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, ctx.tenantId))
      .orderBy(asc(memberships.createdAt)),
  );
  return rows.map((r) => ({ id: r.m.id, userId: r.m.userId, email: r.email, name: r.name, role: r.m.role, mfaEnabled: r.mfa, guardian: r.m.guardian, approverSince: r.m.approverSince ? iso(r.m.approverSince) : null, createdAt: iso(r.m.createdAt) }));
}
