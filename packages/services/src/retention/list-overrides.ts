// The source and unit overrides of an organisation's retention, named for a person to read: an
// override is the exception an auditor looks for first, so it is listed with what it applies to.
import { and, asc, eq, retentionPolicies, sources, units, withTenant } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { RetentionPolicy } from "./policy";

export const RetentionOverride = z.object({
  scope: z.enum(["source", "unit"]),
  scopeId: z.string().uuid(),
  /** The source's or the unit's display name. */
  name: z.string(),
  /** The unit's source's name; null for a source's own override. */
  sourceName: z.string().nullable(),
  policy: RetentionPolicy,
  updatedAt: z.string().datetime(),
});
export type RetentionOverride = z.infer<typeof RetentionOverride>;

/** Source overrides first, then unit overrides, each by name. */
export async function listRetentionOverrides(ctx: TenantContext): Promise<RetentionOverride[]> {
  requireRole(ctx, "viewer", "Viewing retention");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const cols = { scopeId: retentionPolicies.scopeId, policy: retentionPolicies.policy, updatedAt: retentionPolicies.updatedAt };
    // scope_id has no foreign key (it points at either table), but the application role cannot
    // delete sources or units (migration 0005 grants no DELETE), so an inner join drops nothing.
    const bySource = await tx
      .select({ ...cols, name: sources.displayName })
      .from(retentionPolicies)
      .innerJoin(sources, and(eq(sources.id, retentionPolicies.scopeId), eq(sources.tenantId, retentionPolicies.tenantId)))
      .where(and(eq(retentionPolicies.tenantId, ctx.tenantId), eq(retentionPolicies.scope, "source")))
      .orderBy(asc(sources.displayName), asc(retentionPolicies.scopeId));
    const byUnit = await tx
      .select({ ...cols, name: units.displayName, sourceName: sources.displayName })
      .from(retentionPolicies)
      .innerJoin(units, and(eq(units.id, retentionPolicies.scopeId), eq(units.tenantId, retentionPolicies.tenantId)))
      .innerJoin(sources, eq(sources.id, units.sourceId))
      .where(and(eq(retentionPolicies.tenantId, ctx.tenantId), eq(retentionPolicies.scope, "unit")))
      .orderBy(asc(sources.displayName), asc(units.displayName), asc(retentionPolicies.scopeId));
    // A stored policy that no longer parses is a corrupted row: fail loudly rather than guess.
    const row = (scope: "source" | "unit", r: { scopeId: string | null; policy: unknown; updatedAt: Date; name: string }, sourceName: string | null): RetentionOverride => ({
      scope,
      scopeId: r.scopeId ?? "",
      name: r.name,
      sourceName,
      policy: RetentionPolicy.parse(r.policy),
      updatedAt: r.updatedAt.toISOString(),
    });
    return [...bySource.map((r) => row("source", r, null)), ...byUnit.map((r) => row("unit", r, r.sourceName))];
  });
}
