import { and, asc, eq, inArray, items, itemVersions, or, sql, withTenant } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { requireUnitAccess, type TenantContext } from "../context";
import { versionShown } from "../erasure/guards";
import { findUnit } from "../sources/guards";
import { currentAt, underFolder } from "./as-of";
import { decodeCursor, encodeCursor, normaliseFolder, toItemVersion } from "./map";
import { ResolveAsOfInput, type ResolvedPage } from "./types";

/**
 * The versions a restore or export should read: for the selected items and folders (or the whole
 * unit), the version current at `asOf`, in path order so folders come before what they hold.
 * Items that did not exist at `asOf` (or were already deleted) resolve to nothing; so do items
 * erased from backups, whenever the job was asked for (a queued job resolves when it runs).
 */
export async function resolveAsOf(ctx: TenantContext, raw: ResolveAsOfInput): Promise<ResolvedPage> {
  const input = ResolveAsOfInput.parse(raw);
  requireUnitAccess(ctx, "operator", "Resolving a restore selection", [input.unitId]);
  const after = input.cursor ? decodeCursor(input.cursor, ["string", "string"]) : null;
  const selectors: SQL[] = [];
  if (input.itemIds?.length) selectors.push(inArray(itemVersions.itemId, input.itemIds));
  for (const p of input.paths ?? []) {
    const folder = normaliseFolder(p);
    if (folder !== "/") selectors.push(underFolder(itemVersions.path, folder));
  }
  const wholeUnit = (input.paths ?? []).some((p) => normaliseFolder(p) === "/") || (!input.itemIds?.length && !input.paths?.length);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findUnit(tx, ctx.tenantId, input.unitId);
    const rows = await tx
      .select({ v: itemVersions, deletedAt: items.deletedAt })
      .from(itemVersions)
      .innerJoin(items, eq(items.id, itemVersions.itemId))
      .where(
        and(
          eq(itemVersions.unitId, input.unitId),
          eq(itemVersions.tenantId, ctx.tenantId),
          currentAt(input.asOf),
          versionShown(),
          wholeUnit ? undefined : or(...selectors),
          after ? sql`(${itemVersions.path}, ${itemVersions.id}) > (${after[0]}, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(itemVersions.path), asc(itemVersions.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      versions: page.map((r) => toItemVersion(r.v, r.deletedAt)),
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.v.path, last.v.id]) : null,
    };
  });
}
