// "My data" (ADR 0016): the units a self-service person owns in this organisation, as the browse
// page lists them. Members list units by source instead (listSourceUnits), so they are refused.
import { withTenant } from "@holdfast/db";
import { unitScope, type TenantContext } from "../context";
import { forbidden } from "../errors";
import { unitsWithSource, type UnitWithSource } from "../sources/get-unit";

/** The self-service principal's own units with their source and last backup, by display name. */
export async function listOwnUnits(ctx: TenantContext): Promise<UnitWithSource[]> {
  const scope = unitScope(ctx);
  if (!scope) throw forbidden("Listing your own units is only for self-service access; members list the units of a source");
  if (scope.length === 0) return [];
  return withTenant(ctx.db, ctx.tenantId, (tx) => unitsWithSource(tx, ctx.tenantId, scope));
}
