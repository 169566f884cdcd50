import { and, eq, isUuid, or, organizations, withTenant } from "@holdfast/db";
import type { TenantContext } from "../context";
import { notFound } from "../errors";
import { toOrganization } from "./map";

/** The caller's own organisation, or one of its children when the caller is a partner. Anything else is 404. */
export async function getOrganization(ctx: TenantContext, id: string) {
  if (!isUuid(id)) throw notFound("Organization");
  const [org] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select()
      .from(organizations)
      .where(and(eq(organizations.id, id), or(eq(organizations.id, ctx.tenantId), eq(organizations.parentId, ctx.tenantId)))),
  );
  if (!org) throw notFound("Organization");
  return toOrganization(org);
}
