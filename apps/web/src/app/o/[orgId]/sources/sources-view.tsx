"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { SourceDetail } from "@holdfast/services";
import { Icon } from "~/components/icons";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { formatCount, isRunning, PROVIDER_LABEL, runStatus, SOURCE_STATUS } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";
import { ConnectSourceButton } from "./connect-button";
import { RemovedLabel } from "./removed-label";

function LastRun({ run }: { run: SourceDetail["lastRun"] }) {
  if (!run) return <span className="text-slate-500">No backup yet</span>;
  const s = runStatus(run.status);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
      <Badge tone={s.tone}>{s.label}</Badge>
      <span className="text-slate-500">
        {run.finishedAt ? <LocalTime iso={run.finishedAt} mode="relative" /> : <>started <LocalTime iso={run.startedAt} mode="relative" /></>}
      </span>
    </span>
  );
}

function SourceRow({ orgId, source }: { orgId: string; source: SourceDetail }) {
  const status = SOURCE_STATUS[source.status];
  const broken = status.tone === "danger";
  // Removed: listed so its backups stay reachable, but nothing is expected of it any more.
  const removed = source.status === "removed";
  return (
    <li className={broken ? "bg-red-50/60" : undefined}>
      <Link
        href={`/o/${orgId}/sources/${source.id}`}
        className="grid grid-cols-1 gap-x-6 gap-y-2 px-4 py-4 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 sm:px-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1.4fr)_minmax(0,1fr)] lg:items-center"
      >
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            <span className="truncate">{source.displayName}</span>
            <Badge tone={status.tone}>
              {broken ? <Icon name="warning" className="mr-1 size-3.5" /> : null}
              {removed ? <RemovedLabel removedAt={source.removedAt} /> : status.label}
            </Badge>
          </p>
          <p className="mt-0.5 text-sm text-slate-500">
            {PROVIDER_LABEL[source.provider]}
            {source.externalAccountId && source.externalAccountId !== source.displayName ? ` · ${source.externalAccountId}` : ""}
          </p>
          {broken ? <p className="mt-1 text-sm text-red-800">{status.help}</p> : null}
        </div>
        <p className="text-sm text-slate-700">
          <span className="font-medium">{formatCount(source.units.protected)}</span> of {formatCount(source.units.total)} units protected
        </p>
        <p className="text-sm">
          <span className="sr-only">Last backup: </span>
          <LastRun run={source.lastRun} />
        </p>
        <p className="text-sm text-slate-600">
          {removed ? (
            "No more backups"
          ) : source.lastRun && isRunning(source.lastRun.status) ? (
            "Backing up now"
          ) : source.nextRunAt ? (
            <>
              Next run <LocalTime iso={source.nextRunAt} />
            </>
          ) : source.schedule.paused ? (
            "Schedule paused"
          ) : (
            "Not scheduled"
          )}
        </p>
      </Link>
    </li>
  );
}

export function SourcesView({ orgId, canConnect }: { orgId: string; canConnect: boolean }) {
  const trpc = useTRPC();
  const sources = useQuery({
    ...trpc.sources.list.queryOptions({ orgId }),
    // A running backup's outcome shows up here without a reload.
    refetchInterval: (q) => (q.state.data?.some((s) => s.lastRun && isRunning(s.lastRun.status)) ? 5_000 : false),
  });
  return (
    <Card aria-labelledby="sources-heading">
      <h2 id="sources-heading" className="sr-only">
        Connected sources
      </h2>
      <QueryStates
        query={sources}
        loading="Loading sources"
        rows={2}
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState icon="database" title="Nothing is backed up yet" actions={canConnect ? <ConnectSourceButton orgId={orgId} /> : null}>
            {canConnect
              ? "Connect Google Workspace or Microsoft 365: its administrator approves access once, and Holdfast finds every mailbox, drive and site and backs them up on schedule."
              : "An admin of this organisation connects Google Workspace or Microsoft 365; its backups then show up here."}
          </EmptyState>
        }
      >
        {(list) => (
          <>
            <div className="hidden border-b border-slate-100 px-6 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase lg:grid lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1.4fr)_minmax(0,1fr)] lg:gap-x-6" aria-hidden="true">
              <span>Source</span>
              <span>Units</span>
              <span>Last backup</span>
              <span>Next run</span>
            </div>
            <ul aria-label="Sources" className="divide-y divide-slate-100">
              {list.map((s) => (
                <SourceRow key={s.id} orgId={orgId} source={s} />
              ))}
            </ul>
          </>
        )}
      </QueryStates>
    </Card>
  );
}
