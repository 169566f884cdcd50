import { asc, eq, memberships, organizations, withUser, type Database } from "@holdfast/db";
import { listSelfServiceGrants } from "../access/resolve-user";
import type { OrganizationMembership } from "../types";
import { toOrganization } from "./map";

/**
 * Every organisation the user belongs to, with their role there (the organisation switcher), then
 * those where they only self-serve their own data (`selfService: true`, shown with the viewer role,
 * which the services do not honour for them: see `requireRole`).
 */
export async function listMyOrganizations(db: Database, userId: string): Promise<OrganizationMembership[]> {
  const rows = await withUser(db, userId, (tx) =>
    tx
      .select({ org: organizations, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.tenantId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(organizations.name)),
  );
  const member = rows.map((r) => ({ ...toOrganization(r.org), role: r.role, selfService: false }));
  const memberIds = new Set(member.map((o) => o.id));
  const selfServe = (await listSelfServiceGrants(db, userId))
    .filter((g) => !memberIds.has(g.tenantId))
    .map((g) => ({ id: g.tenantId, name: g.organizationName, kind: "customer" as const, parentId: null, createdAt: new Date(0).toISOString(), closedAt: g.closedAt, role: "viewer" as const, selfService: true }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...member, ...selfServe];
}
