import type { Role } from "@holdfast/auth";
import { and, eq, isUuid, memberships, withUser, type Database } from "@holdfast/db";
import { notFound } from "../errors";

/**
 * The role a signed-in user holds in a tenant. Not being a member is reported as 404, the same as
 * a tenant that does not exist, so ids cannot be probed.
 */
export async function resolveUserRole(db: Database, userId: string, tenantId: string): Promise<Role> {
  if (!isUuid(tenantId)) throw notFound("Organization");
  const [m] = await withUser(db, userId, (tx) =>
    tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId))),
  );
  if (!m) throw notFound("Organization");
  return m.role;
}
