import { and, asc, browseRank, eq, items, itemVersions, sql, withTenant } from "@holdfast/db";
import { requireUnitAccess, type TenantContext } from "../context";
import { versionShown } from "../erasure/guards";
import { findUnit } from "../sources/guards";
import { currentAt } from "./as-of";
import { childFolders } from "./folders";
import { decodeCursor, encodeCursor, normaliseFolder, toItemVersion } from "./map";
import { BrowseInput, type BrowsePage } from "./types";

/**
 * The children of one folder of a unit as they were at `asOf` (default: now): the versions whose
 * range contains that time. Items deleted since are included, with `itemDeletedAt` set; items
 * erased from backups are not, as of any time.
 */
export async function browse(ctx: TenantContext, raw: BrowseInput, now = new Date()): Promise<BrowsePage> {
  const input = BrowseInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Browsing backups", [input.unitId]);
  const path = normaliseFolder(input.path);
  const asOf = input.asOf ?? now;
  const rank = browseRank(itemVersions.kind);
  const after = input.cursor ? decodeCursor(input.cursor, ["number", "string", "string"]) : null;
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findUnit(tx, ctx.tenantId, input.unitId);
    const rows = await tx
      .select({ v: itemVersions, deletedAt: items.deletedAt, rank: sql<number>`${rank}` })
      .from(itemVersions)
      .innerJoin(items, eq(items.id, itemVersions.itemId))
      .where(
        and(
          eq(itemVersions.unitId, input.unitId),
          eq(itemVersions.tenantId, ctx.tenantId),
          eq(itemVersions.parentPath, path),
          currentAt(asOf),
          versionShown(),
          after ? sql`(${rank}, ${itemVersions.name}, ${itemVersions.id}) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)` : undefined,
        ),
      )
      .orderBy(rank, asc(itemVersions.name), asc(itemVersions.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const derived = after ? { folders: [], complete: true } : await childFolders(tx, ctx.tenantId, input.unitId, path, asOf);
    const last = page.at(-1);
    return {
      path,
      asOf: asOf.toISOString(),
      entries: page.map((r) => toItemVersion(r.v, r.deletedAt)),
      folders: derived.folders,
      foldersComplete: derived.complete,
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.rank, last.v.name, last.v.id]) : null,
    };
  });
}
