import { and, eq, sources, withTenant } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { audit, requireRole, type TenantContext } from "../context";
import { unavailable } from "../errors";
import { insertGuardedRequest, startGuardedRequest } from "../guard/request";
import type { GuardedRequestView, GuardRunner } from "../guard/types";
import type { OnboardingJobs } from "./consent";
import { sourceDetails, type SourceViewOptions } from "./detail";
import { findSource, refuseIfRemoved } from "./guards";
import { UpdateSourceInput, type SourceDetail } from "./types";

/**
 * Rename a source, change its schedule or whether new units are protected. A schedule change is
 * applied to the source's Temporal Schedule inside the same transaction: if the job runner refuses,
 * nothing changes, so the console never shows a schedule that is not the one running. Turning the
 * automatic protection of new accounts off weakens protection: that part becomes a guarded request
 * (docs/adr/0020-guarded-requests.md), returned as `requested`; the rest applies at once.
 */
export async function updateSource(
  ctx: TenantContext,
  sourceId: string,
  raw: UpdateSourceInput,
  opts: SourceViewOptions & { jobs: Pick<OnboardingJobs, "upsertSourceSchedule"> | undefined; guard?: GuardRunner | undefined },
): Promise<SourceDetail & { requested?: GuardedRequestView }> {
  const input = UpdateSourceInput.parse(raw);
  requireRole(ctx, "admin", "Changing a source");
  const done = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const before = await findSource(tx, ctx.tenantId, sourceId);
    refuseIfRemoved(before, "its settings cannot be changed");
    const request =
      input.autoProtectNewUnits === false && before.autoProtectNewUnits
        ? await insertGuardedRequest(tx, ctx, {
            kind: "source.auto_protect_off",
            params: { sourceId },
            summary: `Stop protecting new accounts of the source "${before.displayName}" automatically (accounts created from then on are not backed up unless included one by one)`,
          })
        : null;
    const set: Partial<typeof sources.$inferInsert> = { updatedAt: new Date() };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (input.displayName !== undefined && input.displayName !== before.displayName) {
      set.displayName = input.displayName;
      changes.displayName = { from: before.displayName, to: input.displayName };
    }
    if (input.autoProtectNewUnits === true && !before.autoProtectNewUnits) {
      set.autoProtectNewUnits = input.autoProtectNewUnits;
      changes.autoProtectNewUnits = { from: before.autoProtectNewUnits, to: input.autoProtectNewUnits };
    }
    const s = input.schedule;
    const oldSchedule = { timesPerDay: before.scheduleTimesPerDay, jitterMinutes: before.scheduleJitterMinutes, timezone: before.scheduleTimezone, paused: before.schedulePaused };
    const scheduleChanged = s !== undefined && JSON.stringify(s) !== JSON.stringify(oldSchedule);
    if (s && scheduleChanged) {
      Object.assign(set, { scheduleTimesPerDay: s.timesPerDay, scheduleJitterMinutes: s.jitterMinutes, scheduleTimezone: s.timezone, schedulePaused: s.paused });
      changes.schedule = { from: oldSchedule, to: s };
    }
    if (Object.keys(changes).length === 0) {
      const [same] = await sourceDetails(tx, ctx.tenantId, [before], opts);
      if (!same) throw new Error("source detail vanished");
      return { detail: same, request };
    }
    const [row] = await tx.update(sources).set(set).where(and(eq(sources.id, sourceId), eq(sources.tenantId, ctx.tenantId))).returning();
    if (!row) throw new Error("source update returned no row");
    await audit(tx, ctx, "source.updated", { type: "source", id: sourceId }, { changes });
    // A source not connected yet has no schedule; consent creates it from the stored settings.
    if (s && scheduleChanged && row.status === "connected") {
      if (!opts.jobs) throw unavailable("The schedule cannot be changed right now: no job runner is configured on this server");
      try {
        await opts.jobs.upsertSourceSchedule({ tenantId: ctx.tenantId, sourceId, ...s });
      } catch (err) {
        childLogger({ tenantId: ctx.tenantId, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), component: "jobs" }).error({ err, sourceId }, "schedule could not be updated");
        throw unavailable("The schedule could not be applied: the job runner did not accept it. Nothing was changed; try again.");
      }
    }
    const [detail] = await sourceDetails(tx, ctx.tenantId, [row], opts);
    if (!detail) throw new Error("source detail vanished");
    return { detail, request };
  });
  if (!done.request) return done.detail;
  return { ...done.detail, requested: await startGuardedRequest(ctx, done.request, { guard: opts.guard }) };
}
