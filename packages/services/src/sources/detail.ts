// Sources as the console and the API show them: status, schedule, what is protected, how the
// last run went and when the next one is due.
import { and, backupRuns, desc, eq, inArray, sources, sql, units, withTenant, type Source as SourceRow, type Tx } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { iso } from "../types";
import { API_PROVIDER } from "./create";
import { findSource } from "./guards";
import { nextLocalTime } from "./next-run";
import type { SourceDetail } from "./types";

export interface SourceViewOptions {
  /** The schedule's local start times for `timesPerDay` (the workflows' `scheduleTimes`); without it nextRunAt is null. */
  scheduleTimes?: (timesPerDay: number) => { hour: number; minute: number }[];
  now?: Date;
}

const SUCCESS = ["completed", "completed_with_warnings"] as const;

/** Rows → details, with three grouped queries for any number of sources. */
export async function sourceDetails(tx: Tx, tenantId: string, rows: SourceRow[], opts: SourceViewOptions = {}): Promise<SourceDetail[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const counts = await tx
    .select({
      sourceId: units.sourceId,
      total: sql<number>`count(*)::int`,
      protected: sql<number>`(count(*) filter (where ${units.protection} <> 'excluded' and ${units.state} <> 'gone'))::int`,
    })
    .from(units)
    .where(and(eq(units.tenantId, tenantId), inArray(units.sourceId, ids)))
    .groupBy(units.sourceId);
  const lastRuns = await tx
    .selectDistinctOn([backupRuns.sourceId])
    .from(backupRuns)
    .where(and(eq(backupRuns.tenantId, tenantId), inArray(backupRuns.sourceId, ids)))
    .orderBy(backupRuns.sourceId, desc(backupRuns.startedAt), desc(backupRuns.id));
  const lastGood = await tx
    .select({ sourceId: backupRuns.sourceId, at: sql<Date | string | null>`max(${backupRuns.finishedAt})` })
    .from(backupRuns)
    .where(and(eq(backupRuns.tenantId, tenantId), inArray(backupRuns.sourceId, ids), inArray(backupRuns.status, [...SUCCESS])))
    .groupBy(backupRuns.sourceId);
  const now = opts.now ?? new Date();
  return rows.map((r) => {
    const c = counts.find((x) => x.sourceId === r.id);
    const run = lastRuns.find((x) => x.sourceId === r.id);
    const good = lastGood.find((x) => x.sourceId === r.id)?.at;
    const next = r.status === "connected" && !r.schedulePaused && opts.scheduleTimes ? nextLocalTime(opts.scheduleTimes(r.scheduleTimesPerDay), r.scheduleTimezone, now) : null;
    return {
      id: r.id,
      provider: API_PROVIDER[r.provider],
      displayName: r.displayName,
      status: r.status,
      externalAccountId: r.externalAccountId,
      schedule: { timesPerDay: r.scheduleTimesPerDay, jitterMinutes: r.scheduleJitterMinutes, timezone: r.scheduleTimezone, paused: r.schedulePaused },
      autoProtectNewUnits: r.autoProtectNewUnits,
      units: { total: c?.total ?? 0, protected: c?.protected ?? 0 },
      lastRun: run ? { id: run.id, status: run.status, startedAt: iso(run.startedAt), finishedAt: run.finishedAt ? iso(run.finishedAt) : null, itemsDone: run.itemsDone, bytesDone: run.bytesDone } : null,
      lastSuccessfulBackupAt: good ? iso(new Date(good)) : null,
      nextRunAt: next ? next.toISOString() : null,
      connectedAt: r.connectedAt ? iso(r.connectedAt) : null,
      removedAt: r.removedAt ? iso(r.removedAt) : null,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    };
  });
}

export async function listSources(ctx: TenantContext, opts: SourceViewOptions = {}): Promise<SourceDetail[]> {
  requireRole(ctx, "viewer", "Listing sources");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx.select().from(sources).where(eq(sources.tenantId, ctx.tenantId)).orderBy(sources.createdAt, sources.id);
    return sourceDetails(tx, ctx.tenantId, rows, opts);
  });
}

export async function getSource(ctx: TenantContext, sourceId: string, opts: SourceViewOptions = {}): Promise<SourceDetail> {
  requireRole(ctx, "viewer", "Reading a source");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const row = await findSource(tx, ctx.tenantId, sourceId);
    const [detail] = await sourceDetails(tx, ctx.tenantId, [row], opts);
    if (!detail) throw new Error("source detail vanished");
    return detail;
  });
}
