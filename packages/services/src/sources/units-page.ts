import { and, asc, eq, ne, sql, units, withTenant } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { requireRole, type TenantContext } from "../context";
import { validation } from "../errors";
import { findSource } from "./guards";
import { toUnit } from "./map";
import { ListSourceUnitsInput, type UnitPage } from "./types";

type Key = [kind: string, displayName: string, id: string];

function decodeCursor(cursor: string): Key {
  try {
    const k = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(k) && k.length === 3 && k.every((x) => typeof x === "string")) return k as Key;
  } catch {
    // fall through
  }
  throw validation("cursor: must be a nextCursor returned by a previous page");
}

// Member-only: listing a source's units is reached from the source pages and the sources list,
// which self-service never sees; a self-service person lists their own units with listOwnUnits.
/** A source's units by kind and name, a page at a time (keyset: stable while units are added). */
export async function listSourceUnits(ctx: TenantContext, sourceId: string, raw: ListSourceUnitsInput): Promise<UnitPage> {
  const input = ListSourceUnitsInput.parse(raw);
  requireRole(ctx, "viewer", "Listing units");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await findSource(tx, ctx.tenantId, sourceId);
    const where: SQL[] = [eq(units.sourceId, sourceId), eq(units.tenantId, ctx.tenantId)];
    if (input.kind) where.push(eq(units.kind, input.kind));
    if (input.protected === "true") where.push(ne(units.protection, "excluded"), ne(units.state, "gone"));
    if (input.protected === "false") where.push(sql`(${units.protection} = 'excluded' or ${units.state} = 'gone')`);
    if (input.cursor) {
      const [kind, name, id] = decodeCursor(input.cursor);
      where.push(sql`(${units.kind}, ${units.displayName}, ${units.id}) > (${kind}, ${name}, ${id}::uuid)`);
    }
    const rows = await tx
      .select()
      .from(units)
      .where(and(...where))
      .orderBy(asc(units.kind), asc(units.displayName), asc(units.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: page.map(toUnit),
      nextCursor: rows.length > input.limit && last ? Buffer.from(JSON.stringify([last.kind, last.displayName, last.id])).toString("base64url") : null,
    };
  });
}
