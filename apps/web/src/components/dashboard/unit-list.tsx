"use client";
import Link from "next/link";
import { useState } from "react";
import type { DashboardSummary } from "@holdfast/services";
import { Badge } from "~/components/ui/badge";
import { LocalTime } from "~/components/ui/local-time";
import { cn } from "~/lib/cn";
import { formatBytes, formatCount, UNIT_KIND_LABEL, type Tone } from "~/lib/sources";
import { formatAge } from "./format";

const UNIT_STATE: Record<DashboardSummary["units"][number]["state"], { label: string; tone: Tone }> = {
  failing: { label: "No recent backup", tone: "danger" },
  pending: { label: "Not backed up yet", tone: "info" },
  protected: { label: "Protected", tone: "success" },
};

const GRID = "sm:grid-cols-[minmax(0,2fr)_minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)] xl:grid-cols-[minmax(0,2fr)_minmax(0,1.2fr)_minmax(0,1.3fr)_minmax(0,0.8fr)_minmax(0,1fr)]";

/** Units worst first; by default only those that need attention. */
export function UnitList({ orgId, summary }: { orgId: string; summary: DashboardSummary }) {
  const [showAll, setShowAll] = useState(false);
  const names = new Map(summary.sources.map((s) => [s.id, s.name]));
  const attention = summary.units.filter((u) => u.state !== "protected");
  const shown = showAll ? summary.units : attention;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-6">
        <p className="text-sm text-slate-600" aria-live="polite">
          {showAll
            ? `${formatCount(shown.length)} units, worst first${summary.unitsTruncated ? " (the rest are on each source's page)" : ""}`
            : attention.length === 0
              ? "Every selected unit has a recent recovery point."
              : `${formatCount(attention.length)} ${attention.length === 1 ? "unit needs" : "units need"} attention`}
        </p>
        <div role="group" aria-label="Which units" className="inline-flex rounded-lg ring-1 ring-slate-300">
          {[
            { all: false, label: "Needs attention" },
            { all: true, label: "All units" },
          ].map((o) => (
            <button
              key={o.label}
              type="button"
              aria-pressed={showAll === o.all}
              onClick={() => setShowAll(o.all)}
              className={cn(
                "px-3 py-1.5 text-sm font-medium first:rounded-l-lg last:rounded-r-lg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
                showAll === o.all ? "bg-slate-900 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
              )}
            >
              {o.label}
            </button>
          ))}
        </div>
      </div>
      {shown.length > 0 ? (
        <>
          <div className={cn("hidden border-b border-slate-100 px-6 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase sm:grid sm:gap-x-6", GRID)} aria-hidden="true">
            <span>Unit</span>
            <span>State</span>
            <span>Last recovery point</span>
            <span className="sm:hidden xl:block">Age</span>
            <span>Data</span>
          </div>
          <ul aria-label={showAll ? "Units" : "Units that need attention"} className="divide-y divide-slate-100">
            {shown.map((u) => {
              const st = UNIT_STATE[u.state];
              return (
                <li key={u.id} className={cn("grid grid-cols-1 gap-x-6 gap-y-1 px-4 py-3 text-sm sm:items-center sm:px-6", GRID)}>
                  <div className="min-w-0">
                    <p className="truncate font-medium text-slate-900">{u.name}</p>
                    <p className="truncate text-xs text-slate-500">
                      {UNIT_KIND_LABEL[u.kind]}
                      {u.ownerEmail && u.ownerEmail !== u.name ? ` · ${u.ownerEmail}` : ""} ·{" "}
                      <Link href={`/o/${orgId}/sources/${u.sourceId}`} className="underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600">
                        {names.get(u.sourceId) ?? "Source"}
                      </Link>
                    </p>
                  </div>
                  <div>
                    <Badge tone={st.tone}>{st.label}</Badge>
                    {u.lastAttempt === "failed" ? <span className="ml-2 text-xs text-red-700">last attempt failed</span> : null}
                  </div>
                  <p className="text-slate-700">
                    <span className="sr-only">Last recovery point: </span>
                    {u.lastBackupAt ? <LocalTime iso={u.lastBackupAt} /> : <span className="text-slate-500">None yet</span>}
                  </p>
                  <p className="text-slate-700 sm:hidden xl:block">
                    <span className="sr-only">Age: </span>
                    {formatAge(u.rpoAgeSeconds)}
                  </p>
                  <p className="text-slate-700">
                    <span className="sr-only">Data: </span>
                    {formatBytes(u.bytes)} · {formatCount(u.items)} items
                  </p>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </>
  );
}
