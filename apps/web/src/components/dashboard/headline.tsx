"use client";
import type { DashboardSummary } from "@holdfast/services";
import { Icon, type IconName } from "~/components/icons";
import { LocalTime } from "~/components/ui/local-time";
import { cn } from "~/lib/cn";
import { formatBytes, formatCount, type Tone } from "~/lib/sources";
import { ageTone, formatAge } from "./format";

const VALUE_TONE: Record<Tone, string> = {
  neutral: "text-slate-900",
  brand: "text-slate-900",
  info: "text-slate-900",
  success: "text-slate-900",
  warning: "text-amber-700",
  danger: "text-red-700",
};

function Tile({ label, value, hint, icon, tone = "neutral" }: { label: string; value: React.ReactNode; hint?: React.ReactNode; icon: IconName; tone?: Tone }) {
  return (
    <div className="min-w-0 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5">
      <dt className="flex items-center justify-between gap-2 text-sm font-medium text-slate-500">
        {label}
        <Icon name={icon} className={cn("hidden size-5 shrink-0 sm:block", tone === "danger" ? "text-red-500" : tone === "warning" ? "text-amber-500" : "text-slate-400")} />
      </dt>
      <dd className={cn("mt-2 text-2xl font-semibold tracking-tight break-words sm:mt-3 sm:text-3xl", VALUE_TONE[tone])}>{value}</dd>
      {hint ? <dd className="mt-1 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

/** `12 of 14`, the total smaller. */
function OfTotal({ n, total }: { n: number; total: number }) {
  return (
    <>
      {formatCount(n)}
      <span className="text-base font-normal text-slate-500"> of {formatCount(total)}</span>
    </>
  );
}

/** Sources protected, units protected, oldest recovery point, protected data. */
export function Headline({ summary }: { summary: DashboardSummary }) {
  const { totals } = summary;
  const oldestSource = summary.sources.filter((s) => s.oldestRecoveryPointAt === totals.oldestRecoveryPointAt && s.oldestRecoveryPointAt)[0];
  const rpoTone = ageTone(totals.rpoAgeSeconds, oldestSource?.thresholds);
  return (
    <dl className="grid grid-cols-1 gap-3 min-[400px]:grid-cols-2 sm:gap-4 xl:grid-cols-4">
      <Tile
        label="Sources protected"
        icon="cloud"
        tone={totals.sources.attention > 0 ? "danger" : "neutral"}
        value={<OfTotal n={totals.sources.protected} total={totals.sources.total} />}
        hint={totals.sources.attention > 0 ? `${formatCount(totals.sources.attention)} need${totals.sources.attention === 1 ? "s" : ""} attention` : "All connected sources are backed up"}
      />
      <Tile
        label="Units protected"
        icon="users"
        tone={totals.units.failing > 0 ? "warning" : "neutral"}
        value={<OfTotal n={totals.units.protected} total={totals.units.total} />}
        hint={
          [totals.units.failing > 0 ? `${formatCount(totals.units.failing)} without a recent backup` : null, totals.units.pending > 0 ? `${formatCount(totals.units.pending)} waiting for a first backup` : null]
            .filter(Boolean)
            .join(" · ") || "Mailboxes, drives and sites selected for backup"
        }
      />
      <Tile
        label="Oldest recovery point"
        icon="clock"
        tone={rpoTone === "success" ? "neutral" : rpoTone}
        value={totals.rpoAgeSeconds === null ? "—" : formatAge(totals.rpoAgeSeconds)}
        hint={
          totals.oldestRecoveryPointAt ? (
            <>
              {oldestSource ? `${oldestSource.name}, ` : ""}
              <LocalTime iso={totals.oldestRecoveryPointAt} />
            </>
          ) : (
            "No backup yet"
          )
        }
      />
      <Tile label="Protected data" icon="database" value={formatBytes(totals.bytes)} hint={`${formatCount(totals.items)} items in the latest recovery points`} />
    </dl>
  );
}
