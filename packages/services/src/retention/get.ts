// The retention in force at the organisation, a source or a unit, with the overrides beneath it.
import { withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { findSource, findUnit } from "../sources/guards";
import { activeHolds, effectiveOf, storedPolicies } from "./store";
import { GetRetentionInput, type RetentionView } from "./types";

/** Asked about a unit, its own source is used (a `sourceId` that is not the unit's is NOT_FOUND). */
export async function getRetention(ctx: TenantContext, raw: GetRetentionInput = {}): Promise<RetentionView> {
  const input = GetRetentionInput.parse(raw);
  requireRole(ctx, "viewer", "Viewing retention");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    let sourceId = input.sourceId;
    if (input.unitId !== undefined) {
      const unit = await findUnit(tx, ctx.tenantId, input.unitId);
      if (sourceId !== undefined && sourceId !== unit.sourceId) throw notFound("Source");
      sourceId = unit.sourceId;
    } else if (sourceId !== undefined) {
      await findSource(tx, ctx.tenantId, sourceId);
    }
    const stored = await storedPolicies(tx, ctx.tenantId, { ...(sourceId ? { sourceId } : {}), ...(input.unitId ? { unitId: input.unitId } : {}) });
    const { policy, scope } = effectiveOf(stored);
    return {
      effective: policy,
      scope,
      organization: stored.organization,
      ...(sourceId !== undefined ? { source: stored.source } : {}),
      ...(input.unitId !== undefined ? { unit: stored.unit } : {}),
      legalHolds: await activeHolds(tx, ctx.tenantId, input.unitId ? [input.unitId] : []),
    };
  });
}
