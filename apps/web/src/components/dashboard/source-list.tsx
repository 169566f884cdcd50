"use client";
import Link from "next/link";
import type { DashboardReason, DashboardSource } from "@holdfast/services";
import { Icon } from "~/components/icons";
import { Badge } from "~/components/ui/badge";
import { LocalTime } from "~/components/ui/local-time";
import { Spinner } from "~/components/ui/spinner";
import { cn } from "~/lib/cn";
import { formatBytes, formatCount, PROVIDER_LABEL, runStatus } from "~/lib/sources";
import { ageTone, formatAge, isBroken, PROTECTION_STATE } from "./format";

const GRID = "lg:grid-cols-[minmax(0,2.2fr)_minmax(0,1fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,0.9fr)_minmax(0,1fr)]";

const AGE_TEXT = { success: "text-slate-900", neutral: "text-slate-500", warning: "text-amber-700 font-medium", danger: "text-red-700 font-semibold", brand: "", info: "" } as const;

const REASON_ICON = { danger: { name: "xCircle", cls: "text-red-600" }, warning: { name: "warning", cls: "text-amber-600" }, info: { name: "info", cls: "text-sky-600" } } as const;

/** Each reason with what to do; `bare` inside an alert, which already carries the icon and colour. */
export function ReasonList({ reasons, bare = false }: { reasons: DashboardReason[]; bare?: boolean }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="space-y-2">
      {reasons.map((r) => {
        const icon = REASON_ICON[r.severity];
        return (
          <li key={r.code} className="flex gap-2 text-sm">
            {bare ? null : <Icon name={icon.name} className={cn("mt-0.5 size-4 shrink-0", icon.cls)} />}
            <span className="min-w-0">
              <span className={bare ? undefined : r.severity === "danger" ? "text-red-900" : "text-slate-800"}>{r.message}</span>{" "}
              <span className={bare ? undefined : "text-slate-600"}>
                <span className="font-medium">What to do:</span> {r.action}
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function Cell({ label, children, className }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("min-w-0 text-sm", className)}>
      <span className="block text-xs font-medium text-slate-500 lg:sr-only">{label}</span>
      {children}
    </div>
  );
}

function SourceRow({ orgId, source }: { orgId: string; source: DashboardSource }) {
  const state = PROTECTION_STATE[source.state];
  const broken = isBroken(source) || source.state === "failing";
  const run = source.lastRun;
  const removed = source.state === "removed";
  // A removed source's recovery point only grows older, as it should: that is no alarm.
  const tone = removed ? "neutral" : ageTone(source.rpoAgeSeconds, source.thresholds);
  return (
    <li className={cn("px-4 py-4 sm:px-6", broken ? "bg-red-50/60" : undefined)}>
      <div className={cn("grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3 lg:items-start", GRID)}>
        <div className="col-span-2 min-w-0 sm:col-span-3 lg:col-span-1">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            <Link
              id={`src-${source.id}`}
              href={`/o/${orgId}/sources/${source.id}`}
              className="max-w-full min-w-0 truncate rounded-sm hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
            >
              {source.name}
            </Link>
            <Badge tone={state.tone}>
              {broken ? <Icon name="warning" className="mr-1 size-3.5" /> : null}
              {removed && source.removedAt ? (
                <>
                  Removed on <LocalTime iso={source.removedAt} mode="date" />
                </>
              ) : (
                state.label
              )}
            </Badge>
          </p>
          <p className="mt-0.5 text-sm text-slate-500">{PROVIDER_LABEL[source.provider]}</p>
        </div>
        <Cell label="Units protected">
          <span className="font-medium text-slate-900">{formatCount(source.units.protected)}</span>
          <span className="text-slate-600"> of {formatCount(source.units.total)}</span>
          {source.units.failing > 0 ? <span className="block text-xs text-amber-700">{formatCount(source.units.failing)} failing</span> : null}
        </Cell>
        <Cell label="Last backup">
          {run ? (
            <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
              {source.running ? (
                <span className="inline-flex items-center gap-1.5 text-sky-800">
                  <Spinner className="size-3.5" /> Backing up now
                </span>
              ) : (
                <Badge tone={runStatus(run.status).tone}>{runStatus(run.status).label}</Badge>
              )}
              <span className="text-slate-500">
                <LocalTime iso={run.finishedAt ?? run.startedAt} mode="relative" />
              </span>
            </span>
          ) : (
            <span className="text-slate-500">No backup yet</span>
          )}
        </Cell>
        <Cell label="Next run">
          {source.nextRunAt ? (
            <span className="text-slate-700">
              <LocalTime iso={source.nextRunAt} />
            </span>
          ) : (
            <span className="text-slate-500">
              {removed ? "No more backups" : source.schedule.paused ? "Schedule paused" : source.status === "connected" ? "Not scheduled" : "None until reconnected"}
            </span>
          )}
        </Cell>
        <Cell label="Recovery point age">
          <span className={AGE_TEXT[tone]}>{formatAge(source.rpoAgeSeconds)}</span>
          {source.lastSuccessAt ? (
            <span className="block text-xs text-slate-500">
              last success <LocalTime iso={source.lastSuccessAt} mode="relative" />
            </span>
          ) : null}
        </Cell>
        <Cell label="Protected data">
          <span className="text-slate-900">{formatBytes(source.bytes)}</span>
          <span className="block text-xs text-slate-500">{formatCount(source.items)} items</span>
        </Cell>
      </div>
      {source.reasons.length > 0 ? (
        <div className="mt-3">
          <ReasonList reasons={source.reasons} />
        </div>
      ) : null}
    </li>
  );
}

export function SourceList({ orgId, sources }: { orgId: string; sources: DashboardSource[] }) {
  return (
    <>
      <div className={cn("hidden border-b border-slate-100 px-6 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase lg:grid lg:gap-x-6", GRID)} aria-hidden="true">
        <span>Source</span>
        <span>Units</span>
        <span>Last backup</span>
        <span>Next run</span>
        <span>Recovery point</span>
        <span>Data</span>
      </div>
      <ul aria-label="Sources and their protection" className="divide-y divide-slate-100">
        {sources.map((s) => (
          <SourceRow key={s.id} orgId={orgId} source={s} />
        ))}
      </ul>
    </>
  );
}
