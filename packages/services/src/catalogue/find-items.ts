import { withTenant } from "@holdfast/db";
import { requireUnitAccess, unitScope, type TenantContext } from "../context";
import { validation } from "../errors";
import { findSource, findUnit } from "../sources/guards";
import { listUnits } from "../sources/list-units";
import { browse } from "./browse";
import { ownUnitsOfSource } from "./scope";
import { search } from "./search";
import { FindItemsInput, type ItemPage } from "./types";

/**
 * The catalogue as the API offers it. With search text, a kind or `deleted`, a search across
 * every version ever captured (of a unit, a source, or the organisation), newest capture first;
 * otherwise the listing of one folder of one unit as it was at `asOf`. Each mode keeps its own
 * stable cursor. A self-service person reaches only their own units (ADR 0016): another unit or
 * source is NOT_FOUND, and a search without either covers their units alone.
 */
export async function findItems(ctx: TenantContext, raw: FindItemsInput, now = new Date()): Promise<ItemPage> {
  const input = FindItemsInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Browsing backups", input.unitId ? [input.unitId] : []);
  const scope = unitScope(ctx);
  if (input.unitId) {
    const unitId = input.unitId;
    const unit = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
      // Self-service: the unit is theirs; whether another source exists is not theirs to learn.
      if (input.sourceId && !scope) await findSource(tx, ctx.tenantId, input.sourceId);
      return findUnit(tx, ctx.tenantId, unitId);
    });
    if (input.sourceId && unit.sourceId !== input.sourceId) throw validation(`Unit ${unit.id} does not belong to source ${input.sourceId}`, { field: "unitId" });
  }
  const searching = Boolean(input.q) || input.kind !== undefined || input.deleted !== undefined;
  if (!searching) {
    if (!input.unitId) throw validation("unitId is required to browse a folder; give q (or kind, deleted) to search instead", { field: "unitId" });
    const page = await browse(ctx, { unitId: input.unitId, path: input.path ?? "/", ...(input.asOf ? { asOf: new Date(input.asOf) } : {}), ...(input.cursor ? { cursor: input.cursor } : {}), limit: input.limit }, now);
    return { mode: "browse", path: page.path, asOf: page.asOf, items: page.entries, folders: page.folders, foldersComplete: page.foldersComplete, nextCursor: page.nextCursor };
  }
  if (input.asOf) throw validation("asOf applies to browsing; a search covers every version ever captured (each result has its capture time)", { field: "asOf" });
  let unitIds: string[] | undefined = input.unitId ? [input.unitId] : undefined;
  if (!unitIds && input.sourceId) {
    const sourceId = input.sourceId;
    unitIds = scope ? await withTenant(ctx.db, ctx.tenantId, (tx) => ownUnitsOfSource(tx, ctx, scope, sourceId)) : (await listUnits(ctx, sourceId)).map((u) => u.id);
    if (unitIds.length === 0) return { mode: "search", items: [], nextCursor: null };
    if (unitIds.length > 1000) throw validation("This source has more than 1000 units: give unitId to search one of them", { field: "sourceId" });
  }
  const page = await search(ctx, {
    ...(input.q ? { text: input.q } : {}),
    ...(unitIds ? { unitIds } : {}),
    ...(input.kind ? { kinds: [input.kind] } : {}),
    ...(input.path ? { folder: input.path } : {}),
    deletedOnly: input.deleted ?? false,
    ...(input.cursor ? { cursor: input.cursor } : {}),
    limit: input.limit,
  });
  return { mode: "search", items: page.items, nextCursor: page.nextCursor };
}
