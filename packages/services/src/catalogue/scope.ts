// Self-service (ADR 0016) and sources: a self-service person knows a source only through their own
// units, so a source id is theirs to name only if one of their units is in it. Anything else is
// NOT_FOUND, the same as a source that does not exist, so source ids cannot be probed.
import { and, eq, inArray, isUuid, units, type Tx } from "@holdfast/db";
import type { TenantContext } from "../context";
import { notFound } from "../errors";

/** The caller's own units in `sourceId` (self-service only); NOT_FOUND when there are none. */
export async function ownUnitsOfSource(tx: Tx, ctx: TenantContext, scope: readonly string[], sourceId: string): Promise<string[]> {
  if (scope.length === 0 || !isUuid(sourceId)) throw notFound("Source");
  const rows = await tx
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.tenantId, ctx.tenantId), eq(units.sourceId, sourceId), inArray(units.id, [...scope])));
  if (rows.length === 0) throw notFound("Source");
  return rows.map((r) => r.id);
}
