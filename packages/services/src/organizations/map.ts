import type { Organization as OrganizationRow } from "@holdfast/db";
import { iso, isoOrNull, type Organization } from "../types";

export function toOrganization(o: OrganizationRow): Organization {
  return { id: o.id, name: o.name, kind: o.kind, parentId: o.parentId, createdAt: iso(o.createdAt), closedAt: isoOrNull(o.closedAt) };
}
