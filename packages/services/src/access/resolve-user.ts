import type { Role } from "@holdfast/auth";
import { and, eq, isUuid, memberships, sql, withUser, type Database } from "@holdfast/db";
import type { SelfServiceScope } from "../context";
import { notFound } from "../errors";

/** What a signed-in user may do in a tenant: a member's role, or self-service over their own units. */
export interface UserAccess {
  role: Role;
  selfService?: SelfServiceScope;
}

export interface SelfServiceGrant {
  tenantId: string;
  organizationName: string;
  /** When the organisation was closed (ISO), or null: self-service people see it as members do. */
  closedAt: string | null;
  unitIds: string[];
}

/**
 * Every organisation where the user may self-serve: a connected source of the directory their
 * sign-in identity belongs to, with self-service on, and units that directory says are theirs.
 * Read through a narrow definer function keyed on `app.user_id` (the only cross-tenant read).
 */
export async function listSelfServiceGrants(db: Database, userId: string): Promise<SelfServiceGrant[]> {
  if (!isUuid(userId)) return [];
  const rows = await withUser(db, userId, (tx) =>
    tx.execute<{ tenant_id: string; organization_name: string; unit_id: string; closed_at: Date | string | null }>(
      sql`select tenant_id, organization_name, unit_id, closed_at from holdfast_self_service_units()`,
    ),
  );
  const byTenant = new Map<string, SelfServiceGrant>();
  for (const r of rows.rows) {
    const grant = byTenant.get(r.tenant_id) ?? { tenantId: r.tenant_id, organizationName: r.organization_name, closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString(), unitIds: [] };
    grant.unitIds.push(r.unit_id);
    byTenant.set(r.tenant_id, grant);
  }
  return [...byTenant.values()];
}

/**
 * The access a signed-in user holds in a tenant. Membership wins; otherwise self-service if the
 * user's identity owns units there. Neither is reported as 404, the same as a tenant that does not
 * exist, so ids cannot be probed.
 */
export async function resolveUserAccess(db: Database, userId: string, tenantId: string): Promise<UserAccess> {
  if (!isUuid(tenantId) || !isUuid(userId)) throw notFound("Organization");
  const [m] = await withUser(db, userId, (tx) =>
    tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId))),
  );
  if (m) return { role: m.role };
  const grant = (await listSelfServiceGrants(db, userId)).find((g) => g.tenantId === tenantId);
  if (!grant) throw notFound("Organization");
  return { role: "viewer", selfService: { unitIds: grant.unitIds } };
}

/** A member's role in a tenant (self-service does not count): NOT_FOUND for anyone else. */
export async function resolveUserRole(db: Database, userId: string, tenantId: string): Promise<Role> {
  const access = await resolveUserAccess(db, userId, tenantId);
  if (access.selfService) throw notFound("Organization");
  return access.role;
}
