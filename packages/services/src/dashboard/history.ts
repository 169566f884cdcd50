// The overview's charts: protected data and vault storage per day, and how long runs took.
//
// Cost: snapshots of the window (one row per unit and run) plus one index probe per unit for the
// state before the window, and the tenant's backup runs. item_versions is never read: each
// snapshot carries the items and bytes current in its unit when it was committed.
import { and, backupRuns, desc, eq, gte, ne, sql, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { iso } from "../types";
import { DashboardHistoryInput, type DashboardHistory, type DashboardHistoryDay } from "./types";

export interface DashboardHistoryOptions {
  now?: Date;
  /** How many finished runs the duration chart gets (the latest ones). */
  runLimit?: number;
}

const DEFAULT_RUN_LIMIT = 300;

type DayRow = {
  day: string;
  protected_bytes: number;
  protected_items: number;
  vault_bytes: number;
  vault_added: number;
  from_ts: Date | string;
};

/**
 * - protected*: at the end of each day, the sum over units of their latest committed snapshot. A
 *   day's value is carried by per-unit deltas (each unit's last snapshot of the day minus its
 *   previous one), summed cumulatively from the state before the window.
 * - vault*: backup_runs.bytes_done is the size of the new item versions each run captured into
 *   the vault, so its running total is the logical bytes ever written there (the vault is
 *   append-only; deduplication and compression make the stored figure smaller). Runs count on the
 *   day they started.
 */
export async function getDashboardHistory(ctx: TenantContext, raw: DashboardHistoryInput = {}, opts: DashboardHistoryOptions = {}): Promise<DashboardHistory> {
  const input = DashboardHistoryInput.parse(raw);
  requireRole(ctx, "viewer", "Reading the overview's history");
  const now = opts.now ?? new Date();
  const runLimit = opts.runLimit ?? DEFAULT_RUN_LIMIT;
  const tz = input.timeZone;
  const t = ctx.tenantId;
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const result = await tx.execute<DayRow>(sql`
      with bounds as (
        select d0, d1, tz, (d0::timestamp at time zone tz) as from_ts, ((d1 + 1)::timestamp at time zone tz) as to_ts
          from (select (${iso(now)}::timestamptz at time zone z.tz)::date - ${input.days - 1}::int as d0,
                       (${iso(now)}::timestamptz at time zone z.tz)::date as d1, z.tz
                  from (select ${tz}::text as tz) z) b
      ),
      base as (
        select u.id as unit_id, p.bytes, p.item_count
          from units u
          cross join bounds
          cross join lateral (
            select s.bytes, s.item_count from snapshots s
             where s.unit_id = u.id and s.tenant_id = u.tenant_id and s.status = 'committed' and s.committed_at < bounds.from_ts
             order by s.seq desc limit 1) p
         where u.tenant_id = ${t}
      ),
      daily as (
        select distinct on (s.unit_id, (s.committed_at at time zone bounds.tz)::date)
               s.unit_id, (s.committed_at at time zone bounds.tz)::date as d, s.bytes, s.item_count
          from snapshots s, bounds
         where s.tenant_id = ${t} and s.status = 'committed' and s.committed_at >= bounds.from_ts and s.committed_at < bounds.to_ts
         order by s.unit_id, (s.committed_at at time zone bounds.tz)::date, s.committed_at desc, s.seq desc
      ),
      deltas as (
        select d.d,
               d.bytes - coalesce(lag(d.bytes) over w, b.bytes, 0) as db,
               d.item_count - coalesce(lag(d.item_count) over w, b.item_count, 0) as di
          from daily d left join base b on b.unit_id = d.unit_id
        window w as (partition by d.unit_id order by d.d)
      ),
      per_day as (select d, sum(db) as db, sum(di) as di from deltas group by d),
      runs_before as (
        select coalesce(sum(r.bytes_done), 0) as v from backup_runs r, bounds where r.tenant_id = ${t} and r.started_at < bounds.from_ts
      ),
      runs_daily as (
        select (r.started_at at time zone bounds.tz)::date as d, sum(r.bytes_done) as v
          from backup_runs r, bounds
         where r.tenant_id = ${t} and r.started_at >= bounds.from_ts and r.started_at < bounds.to_ts
         group by 1
      )
      select to_char(g.day, 'YYYY-MM-DD') as day,
             ((select coalesce(sum(bytes), 0) from base) + sum(coalesce(p.db, 0)) over (order by g.day))::float8 as protected_bytes,
             ((select coalesce(sum(item_count), 0) from base) + sum(coalesce(p.di, 0)) over (order by g.day))::float8 as protected_items,
             ((select v from runs_before) + sum(coalesce(rd.v, 0)) over (order by g.day))::float8 as vault_bytes,
             coalesce(rd.v, 0)::float8 as vault_added,
             bounds.from_ts
        from bounds
        cross join generate_series(bounds.d0, bounds.d1, interval '1 day') as g(day)
        left join per_day p on p.d = g.day::date
        left join runs_daily rd on rd.d = g.day::date
       order by g.day`);
    const days: DashboardHistoryDay[] = result.rows.map((r) => ({
      day: r.day,
      protectedBytes: Number(r.protected_bytes),
      protectedItems: Number(r.protected_items),
      vaultBytes: Number(r.vault_bytes),
      vaultBytesAdded: Number(r.vault_added),
    }));
    const first = result.rows[0];
    const fromTs = first ? (first.from_ts instanceof Date ? first.from_ts : new Date(first.from_ts)) : now;

    const runs = await tx
      .select()
      .from(backupRuns)
      .where(and(eq(backupRuns.tenantId, t), gte(backupRuns.startedAt, fromTs), ne(backupRuns.status, "running"), sql`${backupRuns.finishedAt} is not null`))
      .orderBy(desc(backupRuns.startedAt), desc(backupRuns.id))
      .limit(runLimit + 1);
    return {
      days,
      runs: runs
        .slice(0, runLimit)
        .reverse()
        .map((r) => {
          const finishedAt = r.finishedAt ?? r.startedAt;
          return {
            id: r.id,
            sourceId: r.sourceId,
            status: r.status,
            trigger: r.trigger,
            startedAt: iso(r.startedAt),
            finishedAt: iso(finishedAt),
            durationSeconds: Math.max(0, Math.round((finishedAt.getTime() - r.startedAt.getTime()) / 1000)),
            itemsDone: r.itemsDone,
            bytesDone: r.bytesDone,
          };
        }),
      runsTruncated: runs.length > runLimit,
      timeZone: tz,
    };
  });
}
