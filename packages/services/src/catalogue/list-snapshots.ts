import { and, desc, eq, inArray, snapshots, sql, units, withTenant } from "@holdfast/db";
import { requireUnitAccess, unitScope, type TenantContext } from "../context";
import { validation } from "../errors";
import { findSource, findUnit } from "../sources/guards";
import { decodeCursor, encodeCursor, toSnapshot } from "./map";
import { ownUnitsOfSource } from "./scope";
import { ListSnapshotsInput, type SnapshotPage } from "./types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^\d{1,19}$/;

/**
 * The committed snapshots (restore points) of the organisation, a source or a unit, newest first:
 * when each was taken, how many items and bytes the unit held, its vault snapshot. A self-service
 * person sees only the snapshots of their own units (another unit or source is NOT_FOUND).
 */
export async function listSnapshots(ctx: TenantContext, raw: ListSnapshotsInput): Promise<SnapshotPage> {
  const input = ListSnapshotsInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Listing snapshots", input.unitId ? [input.unitId] : []);
  const scope = unitScope(ctx);
  const after = input.cursor ? decodeCursor(input.cursor, ["string", "string"]) : null;
  if (after && (!MICROS.test(String(after[0])) || !UUID.test(String(after[1])))) throw validation("cursor must be a cursor returned by a previous page");
  const committedMicros = sql<string>`(extract(epoch from ${snapshots.committedAt}) * 1000000)::bigint::text`;
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    if (input.sourceId) await (scope ? ownUnitsOfSource(tx, ctx, scope, input.sourceId) : findSource(tx, ctx.tenantId, input.sourceId));
    if (scope?.length === 0) return { items: [], nextCursor: null };
    if (input.unitId) {
      const unit = await findUnit(tx, ctx.tenantId, input.unitId);
      if (input.sourceId && unit.sourceId !== input.sourceId) throw validation(`Unit ${unit.id} does not belong to source ${input.sourceId}`);
    }
    const rows = await tx
      .select({ s: snapshots, sourceId: units.sourceId, at: committedMicros })
      .from(snapshots)
      .innerJoin(units, eq(units.id, snapshots.unitId))
      .where(
        and(
          eq(snapshots.tenantId, ctx.tenantId),
          eq(snapshots.status, "committed"),
          input.unitId ? eq(snapshots.unitId, input.unitId) : undefined,
          input.sourceId ? eq(units.sourceId, input.sourceId) : undefined,
          scope ? inArray(snapshots.unitId, [...scope]) : undefined,
          after ? sql`(${snapshots.committedAt}, ${snapshots.id}) < (timestamptz 'epoch' + ${String(after[0])}::bigint * interval '1 microsecond', ${String(after[1])}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(snapshots.committedAt), desc(snapshots.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...toSnapshot(r.s), sourceId: r.sourceId })),
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.at, last.s.id]) : null,
    };
  });
}
