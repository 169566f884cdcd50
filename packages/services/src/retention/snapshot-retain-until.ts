// The retain-until of a snapshot the worker is about to write (the backup activities' `retainUntil`
// port): fixed from the policy in force when it is taken. The vault locks its objects until then,
// so this only ever answers from stored policy, never from anything the provider says.
import { and, eq, gte, lt, snapshots, sources, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { findUnit } from "../sources/guards";
import { periodFirsts, retainUntilFor } from "./policy";
import { effectiveOf, storedPolicies } from "./store";

/** Enough history to see every earlier snapshot of the same local calendar year. */
const LOOKBACK_MS = 367 * 86_400_000;

/** Owner states that mean the user left: their backups fall under the offboarded rule too. */
const OFFBOARDED = new Set(["suspended", "deleted"]);

export async function snapshotRetainUntil(ctx: TenantContext, unitId: string, takenAt: Date): Promise<Date> {
  requireRole(ctx, "operator", "Deciding a snapshot's retention");
  if (Number.isNaN(takenAt.getTime())) throw new Error("snapshotRetainUntil: takenAt is not a valid date");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const unit = await findUnit(tx, ctx.tenantId, unitId);
    const [source] = await tx.select({ timeZone: sources.scheduleTimezone }).from(sources).where(and(eq(sources.id, unit.sourceId), eq(sources.tenantId, ctx.tenantId)));
    if (!source) throw notFound("Source");
    const { policy } = effectiveOf(await storedPolicies(tx, ctx.tenantId, { sourceId: unit.sourceId, unitId: unit.id }));
    // Earlier committed snapshots by when they were taken (started_at): `takenAt` is a capture
    // start too, so both sides of the comparison measure the same moment. Open or failed
    // snapshots are not restore points and do not count.
    const earlier = await tx
      .select({ startedAt: snapshots.startedAt })
      .from(snapshots)
      .where(
        and(
          eq(snapshots.tenantId, ctx.tenantId),
          eq(snapshots.unitId, unit.id),
          eq(snapshots.status, "committed"),
          gte(snapshots.startedAt, new Date(takenAt.getTime() - LOOKBACK_MS)),
          lt(snapshots.startedAt, takenAt),
        ),
      );
    const firsts = periodFirsts(
      takenAt,
      earlier.map((s) => s.startedAt),
      source.timeZone,
    );
    return retainUntilFor(policy, takenAt, firsts, { offboarded: OFFBOARDED.has(unit.state) });
  });
}
