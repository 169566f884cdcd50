"use client";
// The overview's three charts. Each is a figure whose caption states what it shows; the drawing is
// role="img" with that summary as its label, and the numbers are in a visually hidden table, so a
// screen reader gets the same facts without the SVG (recharts' own keyboard layer is off: the
// table is the accessible form).
import type { ReactNode } from "react";
import type { DashboardHistoryDay, DashboardRunDuration } from "@holdfast/services";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime } from "~/lib/format";
import { formatBytes, formatCount, formatDuration, runStatus } from "~/lib/sources";
import { dayLabel, RUN_COLOUR, runsSummary, seriesSummary } from "./format";

const AXIS = { fontSize: 12, fill: "#64748b" };

function ChartFrame({ id, title, summary, children, table, footer }: { id: string; title: string; summary: string; children: ReactNode; table: ReactNode; footer?: ReactNode }) {
  return (
    <figure aria-labelledby={`${id}-title`} className="min-w-0">
      <figcaption className="mb-3">
        <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          {title}
        </h3>
        <p className="mt-1 text-xs text-slate-500">{summary}</p>
      </figcaption>
      <div role="img" aria-label={`${title}. ${summary}`} className="h-48 w-full min-w-0 sm:h-56">
        {children}
      </div>
      {footer}
      <div className="sr-only">{table}</div>
    </figure>
  );
}

function SeriesChart({ id, title, what, days, pick, colour }: { id: string; title: string; what: string; days: DashboardHistoryDay[]; pick: (d: DashboardHistoryDay) => number; colour: string }) {
  const data = days.map((d) => ({ day: d.day, label: dayLabel(d.day), value: pick(d) }));
  return (
    <ChartFrame
      id={id}
      title={title}
      summary={seriesSummary(days, pick, what)}
      table={
        <table>
          <caption>{title}, by day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">{title}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.label}</th>
                <td>{formatBytes(d.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <defs>
            <linearGradient id={`${id}-fill`} x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={colour} stopOpacity={0.3} />
              <stop offset="100%" stopColor={colour} stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={false} minTickGap={16} />
          <YAxis tick={AXIS} tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => formatBytes(v)} />
          <Tooltip formatter={(v) => [formatBytes(Number(v)), title]} labelClassName="text-slate-700" />
          <Area type="monotone" dataKey="value" stroke={colour} strokeWidth={2} fill={`url(#${id}-fill)`} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

export function ProtectedDataChart({ days }: { days: DashboardHistoryDay[] }) {
  return <SeriesChart id="chart-protected" title="Protected data" what="protected data" days={days} pick={(d) => d.protectedBytes} colour="#4f46e5" />;
}

export function VaultStorageChart({ days }: { days: DashboardHistoryDay[] }) {
  return <SeriesChart id="chart-vault" title="Vault storage" what="vault storage" days={days} pick={(d) => d.vaultBytes} colour="#0891b2" />;
}

export function RunDurationChart({ runs, sourceName }: { runs: DashboardRunDuration[]; sourceName: (id: string) => string }) {
  const data = runs.map((r) => ({ ...r, label: formatDateTime(r.startedAt), minutes: r.durationSeconds / 60 }));
  return (
    <ChartFrame
      id="chart-runs"
      footer={<RunLegend runs={runs} />}
      title="Run durations"
      summary={runsSummary(runs)}
      table={
        <table>
          <caption>Finished backups, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Source</th>
              <th scope="col">Duration</th>
              <th scope="col">Outcome</th>
              <th scope="col">Items</th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.label}</th>
                <td>{sourceName(r.sourceId)}</td>
                <td>{formatDuration(r.durationSeconds)}</td>
                <td>{runStatus(r.status).label}</td>
                <td>{formatCount(r.itemsDone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="label" tick={false} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} height={8} />
          <YAxis tick={AXIS} tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => formatDuration(v * 60)} />
          <Tooltip
            formatter={(v, _name, item) => {
              const run = item.payload as (typeof data)[number];
              return [`${formatDuration(Number(v) * 60)} · ${runStatus(run.status).label}`, sourceName(run.sourceId)];
            }}
          />
          <Bar dataKey="minutes" radius={[3, 3, 0, 0]} maxBarSize={24} isAnimationActive={false}>
            {data.map((r) => (
              <Cell key={r.id} fill={RUN_COLOUR[r.status]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

/** The colour key of the run chart (colour is never the only cue: the table and tooltip name the outcome). */
function RunLegend({ runs }: { runs: DashboardRunDuration[] }) {
  const statuses = [...new Set(runs.map((r) => r.status))];
  if (statuses.length === 0) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label="Colour key">
      {statuses.map((s) => (
        <li key={s} className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="size-2.5 rounded-sm" style={{ backgroundColor: RUN_COLOUR[s] }} />
          {runStatus(s).label}
        </li>
      ))}
    </ul>
  );
}
