// The overview's present tense: every source with its protection state, recovery-point age, what
// it holds and what is wrong. Cost is bounded by sources, units and runs — never item_versions: a
// unit's items and bytes come from its last committed snapshot (counted once, at commit).
import { and, backupRuns, desc, eq, inArray, ne, runIssues, sources, sql, withTenant, type Tx } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { API_PROVIDER } from "../sources/create";
import { nextLocalTime } from "../sources/next-run";
import { iso } from "../types";
import { classifySource, sortReasons, sourceReasons, stateRank, thresholds } from "./classify";
import type { DashboardRun, DashboardSource, DashboardSummary, DashboardUnit, DashboardUnitCounts, DashboardWarning } from "./types";

export interface DashboardOptions {
  /** The schedule's local start times for `timesPerDay` (the workflows' `scheduleTimes`); without it nextRunAt is null. */
  scheduleTimes?: (timesPerDay: number) => { hour: number; minute: number }[];
  now?: Date;
  /** How many units (worst first) the summary lists; the counts always cover all of them. */
  unitLimit?: number;
}

const SUCCESS = ["completed", "completed_with_warnings"] as const;
const DEFAULT_UNIT_LIMIT = 200;

type UnitState = DashboardUnit["state"];

/**
 * Per in-scope unit: its latest committed snapshot (units.last_snapshot_id), its latest attempt
 * (one index probe on snapshots (unit_id, seq)), and its state. The late threshold is the one of
 * classify.ts `thresholds()`, computed from the source's schedule columns.
 */
function unitFacts(tenantId: string, now: Date) {
  return sql`
    with f as (
      select u.id, u.source_id, u.display_name, u.kind, u.owner_email,
             s.committed_at as last_at, coalesce(s.item_count, 0)::bigint as items, coalesce(s.bytes, 0)::bigint as bytes,
             la.status::text as last_attempt,
             -- A removed source's units are not backed up any more: out of scope, so never late.
             (u.protection <> 'excluded' and u.state <> 'gone' and src.status <> 'removed') as in_scope,
             (2 * 86400.0 / greatest(src.schedule_times_per_day, 1) + 60 * src.schedule_jitter_minutes) as late_s
        from units u
        join sources src on src.id = u.source_id and src.tenant_id = u.tenant_id
        left join snapshots s on s.id = u.last_snapshot_id and s.tenant_id = u.tenant_id
        left join lateral (select x.status from snapshots x where x.unit_id = u.id and x.tenant_id = u.tenant_id order by x.seq desc limit 1) la on true
       where u.tenant_id = ${tenantId}
    )
    select f.*,
           case when not f.in_scope then null
                when f.last_attempt = 'failed' then 'failing'
                when f.last_at is null then 'pending'
                when extract(epoch from (${now.toISOString()}::timestamptz - f.last_at)) > f.late_s then 'failing'
                else 'protected' end as unit_state
      from f`;
}

type SourceAggregate = {
  source_id: string;
  total: number;
  protected: number;
  failing: number;
  pending: number;
  items: number;
  bytes: number;
  oldest_at: Date | string | null;
};

type UnitRow = {
  id: string;
  source_id: string;
  display_name: string;
  kind: DashboardUnit["kind"];
  owner_email: string | null;
  last_at: Date | string | null;
  items: number | string;
  bytes: number | string;
  last_attempt: DashboardUnit["lastAttempt"];
  unit_state: UnitState;
};

const toDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));
const ageSeconds = (now: Date, at: Date | null) => (at ? Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000)) : null);

async function loadUnits(tx: Tx, tenantId: string, now: Date, limit: number) {
  const facts = unitFacts(tenantId, now);
  const aggregates = await tx.execute<SourceAggregate>(sql`
    select source_id,
           (count(*) filter (where in_scope))::int as total,
           (count(*) filter (where unit_state = 'protected'))::int as protected,
           (count(*) filter (where unit_state = 'failing'))::int as failing,
           (count(*) filter (where unit_state = 'pending'))::int as pending,
           coalesce(sum(items), 0)::float8 as items,
           coalesce(sum(bytes), 0)::float8 as bytes,
           min(last_at) filter (where in_scope) as oldest_at
      from (${facts}) t
     group by source_id`);
  // Worst first: failing, then never backed up, then the oldest recovery points.
  const listed = await tx.execute<UnitRow>(sql`
    select * from (${facts}) t
     where in_scope
     order by case unit_state when 'failing' then 0 when 'pending' then 1 else 2 end, last_at asc nulls first, display_name, id
     limit ${limit + 1}`);
  return { aggregates: aggregates.rows, units: listed.rows };
}

function toRun(r: typeof backupRuns.$inferSelect): DashboardRun {
  return {
    id: r.id,
    status: r.status,
    startedAt: iso(r.startedAt),
    finishedAt: r.finishedAt ? iso(r.finishedAt) : null,
    itemsDone: r.itemsDone,
    bytesDone: r.bytesDone,
    issueCount: r.issueCount,
    errorSummary: r.errorSummary,
  };
}

export async function getDashboard(ctx: TenantContext, opts: DashboardOptions = {}): Promise<DashboardSummary> {
  requireRole(ctx, "viewer", "Reading the overview");
  const now = opts.now ?? new Date();
  const limit = opts.unitLimit ?? DEFAULT_UNIT_LIMIT;
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx.select().from(sources).where(eq(sources.tenantId, ctx.tenantId)).orderBy(sources.createdAt, sources.id);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) {
      const none: DashboardUnitCounts = { total: 0, protected: 0, failing: 0, pending: 0 };
      return {
        generatedAt: iso(now),
        sources: [],
        units: [],
        unitsTruncated: false,
        totals: { sources: { total: 0, protected: 0, attention: 0 }, units: none, items: 0, bytes: 0, oldestRecoveryPointAt: null, rpoAgeSeconds: null, running: 0 },
        warnings: [],
      };
    }
    const inTenant = and(eq(backupRuns.tenantId, ctx.tenantId), inArray(backupRuns.sourceId, ids));
    // One transaction holds one connection: the queries run one after another anyway.
    const lastRuns = await tx.selectDistinctOn([backupRuns.sourceId]).from(backupRuns).where(inTenant).orderBy(backupRuns.sourceId, desc(backupRuns.startedAt), desc(backupRuns.id));
    const lastFinished = await tx
      .selectDistinctOn([backupRuns.sourceId])
      .from(backupRuns)
      .where(and(inTenant, ne(backupRuns.status, "running")))
      .orderBy(backupRuns.sourceId, desc(backupRuns.startedAt), desc(backupRuns.id));
    const lastGood = await tx
      .select({ sourceId: backupRuns.sourceId, at: sql<Date | string | null>`max(${backupRuns.finishedAt})` })
      .from(backupRuns)
      .where(and(inTenant, inArray(backupRuns.status, [...SUCCESS])))
      .groupBy(backupRuns.sourceId);
    const unitData = await loadUnits(tx, ctx.tenantId, now, limit);
    const warnedRuns = lastFinished.filter((r) => r.status === "completed_with_warnings").map((r) => r.id);
    const issueCounts =
      warnedRuns.length === 0
        ? []
        : await tx
            .select({ runId: runIssues.runId, reason: runIssues.reason, count: sql<number>`count(*)::int` })
            .from(runIssues)
            .where(and(eq(runIssues.tenantId, ctx.tenantId), inArray(runIssues.runId, warnedRuns)))
            .groupBy(runIssues.runId, runIssues.reason);

    const out: DashboardSource[] = rows.map((r) => {
      const agg = unitData.aggregates.find((a) => a.source_id === r.id);
      const last = lastRuns.find((x) => x.sourceId === r.id) ?? null;
      const finished = lastFinished.find((x) => x.sourceId === r.id) ?? null;
      const goodAt = toDate(lastGood.find((x) => x.sourceId === r.id)?.at ?? null);
      const oldest = toDate(agg?.oldest_at ?? null);
      const units: DashboardUnitCounts = { total: agg?.total ?? 0, protected: agg?.protected ?? 0, failing: agg?.failing ?? 0, pending: agg?.pending ?? 0 };
      const schedule = { timesPerDay: r.scheduleTimesPerDay, jitterMinutes: r.scheduleJitterMinutes, paused: r.schedulePaused };
      const issues = issueCounts.filter((i) => finished && i.runId === finished.id).map((i) => ({ reason: i.reason, count: i.count }));
      const reasons = sortReasons(
        sourceReasons(
          {
            provider: r.provider,
            status: r.status,
            schedule,
            connectedAt: r.connectedAt ?? r.createdAt,
            lastFinishedRun: finished ? { status: finished.status, issueCount: finished.issueCount, errorSummary: finished.errorSummary } : null,
            lastSuccessAt: goodAt,
            units,
            issues,
            removedAt: r.removedAt,
          },
          now,
        ),
      );
      const next = r.status === "connected" && !r.schedulePaused && opts.scheduleTimes ? nextLocalTime(opts.scheduleTimes(r.scheduleTimesPerDay), r.scheduleTimezone, now) : null;
      return {
        id: r.id,
        name: r.displayName,
        provider: API_PROVIDER[r.provider],
        status: r.status,
        state: classifySource(reasons),
        reasons,
        lastRun: last ? toRun(last) : null,
        running: last?.status === "running",
        nextRunAt: next ? iso(next) : null,
        lastSuccessAt: goodAt ? iso(goodAt) : null,
        removedAt: r.removedAt ? iso(r.removedAt) : null,
        rpoAgeSeconds: ageSeconds(now, oldest),
        oldestRecoveryPointAt: oldest ? iso(oldest) : null,
        units,
        items: Number(agg?.items ?? 0),
        bytes: Number(agg?.bytes ?? 0),
        schedule: { timesPerDay: schedule.timesPerDay, paused: schedule.paused },
        thresholds: thresholds(schedule),
      };
    });

    const sorted = [...out].sort((a, b) => stateRank(a.state) - stateRank(b.state));
    const warnings: DashboardWarning[] = sortReasons(sorted.flatMap((s) => s.reasons.filter((x) => x.severity !== "info" || s.state === "pending").map((x) => ({ ...x, sourceId: s.id, sourceName: s.name, state: s.state }))));
    const oldest = out.map((s) => s.oldestRecoveryPointAt).filter((x): x is string => x !== null).sort()[0] ?? null;
    const sum = (f: (s: DashboardSource) => number) => out.reduce((n, s) => n + f(s), 0);
    const listed = unitData.units.slice(0, limit).map(
      (u): DashboardUnit => {
        const at = toDate(u.last_at);
        return {
          id: u.id,
          sourceId: u.source_id,
          name: u.display_name,
          kind: u.kind,
          ownerEmail: u.owner_email,
          state: u.unit_state,
          lastBackupAt: at ? iso(at) : null,
          rpoAgeSeconds: ageSeconds(now, at),
          lastAttempt: u.last_attempt,
          items: Number(u.items),
          bytes: Number(u.bytes),
        };
      },
    );
    return {
      generatedAt: iso(now),
      sources: out,
      units: listed,
      unitsTruncated: unitData.units.length > limit,
      totals: {
        sources: { total: out.length, protected: out.filter((s) => s.state === "protected").length, attention: out.filter((s) => s.state !== "protected" && s.state !== "pending" && s.state !== "removed").length },
        units: { total: sum((s) => s.units.total), protected: sum((s) => s.units.protected), failing: sum((s) => s.units.failing), pending: sum((s) => s.units.pending) },
        items: sum((s) => s.items),
        bytes: sum((s) => s.bytes),
        oldestRecoveryPointAt: oldest,
        rpoAgeSeconds: oldest ? ageSeconds(now, new Date(oldest)) : null,
        running: out.filter((s) => s.running).length,
      },
      warnings,
    };
  });
}
