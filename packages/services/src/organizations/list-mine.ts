import { asc, eq, memberships, organizations, withUser, type Database } from "@holdfast/db";
import type { OrganizationMembership } from "../types";
import { toOrganization } from "./map";

/** Every organisation the user belongs to, with their role there (the organisation switcher). */
export async function listMyOrganizations(db: Database, userId: string): Promise<OrganizationMembership[]> {
  const rows = await withUser(db, userId, (tx) =>
    tx
      .select({ org: organizations, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.tenantId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(organizations.name)),
  );
  return rows.map((r) => ({ ...toOrganization(r.org), role: r.role }));
}
