"use client";
import { useQuery } from "@tanstack/react-query";
import type { DashboardSummary } from "@holdfast/services";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { ListSkeleton, Skeleton } from "~/components/ui/spinner";
import { errorMessage } from "~/lib/errors";
import { formatCount } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";
import { DrillsCard } from "./drills-card";
import { isBroken, PROTECTION_STATE } from "./format";
import { Headline } from "./headline";
import { HistoryCard } from "./history-card";
import { ReasonList, SourceList } from "./source-list";
import { UnitList } from "./unit-list";

/** How often the overview refreshes: quickly while a backup runs, otherwise once a minute. */
export const pollInterval = (data: DashboardSummary | undefined) => (data && data.totals.running > 0 ? 5_000 : 60_000);

function Banners({ orgId, summary }: { orgId: string; summary: DashboardSummary }) {
  const broken = summary.sources.filter(isBroken);
  const others = summary.warnings.filter((w) => w.state !== "revoked" && w.state !== "stopped" && w.state !== "pending");
  return (
    <>
      {broken.map((s) => (
        <Alert
          key={s.id}
          tone="danger"
          title={`${s.name}: ${PROTECTION_STATE[s.state].label.toLowerCase()}`}
          actions={
            <>
              <ButtonLink href={`/o/${orgId}/sources/${s.id}`} size="sm" variant="danger">
                <Icon name="refresh" className="size-4" />
                Reconnect
                <span className="sr-only"> {s.name}</span>
              </ButtonLink>
            </>
          }
        >
          <ReasonList bare reasons={s.reasons.filter((r) => r.severity === "danger")} />
        </Alert>
      ))}
      {others.length > 0 ? (
        <Alert tone="warning" title={`${formatCount(others.length)} ${others.length === 1 ? "thing needs" : "things need"} attention`}>
          <ul className="mt-1 space-y-1.5">
            {others.map((w) => (
              <li key={`${w.sourceId}-${w.code}`}>
                <a href={`#src-${w.sourceId}`} className="font-medium underline underline-offset-2">
                  {w.sourceName}
                </a>
                : {w.message} <span className="text-amber-800">{w.action}</span>
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </>
  );
}

function LoadingState() {
  return (
    <div role="status" aria-live="polite" className="space-y-6">
      <span className="sr-only">Loading the overview…</span>
      <div className="grid grid-cols-1 gap-3 min-[400px]:grid-cols-2 sm:gap-4 xl:grid-cols-4" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="mt-4 h-8 w-20" />
          </div>
        ))}
      </div>
      <Card>
        <ListSkeleton rows={3} label="Loading sources" />
      </Card>
    </div>
  );
}

export function DashboardView({ orgId, canConnect }: { orgId: string; canConnect: boolean }) {
  const trpc = useTRPC();
  const summary = useQuery({
    ...trpc.dashboard.summary.queryOptions({ orgId }),
    refetchInterval: (q) => pollInterval(q.state.data),
  });

  if (summary.isPending) return <LoadingState />;
  if (summary.isError) {
    return (
      <Alert
        tone="danger"
        title="Could not load the overview"
        actions={
          <Button size="sm" variant="secondary" onClick={() => void summary.refetch()} loading={summary.isFetching}>
            Try again
          </Button>
        }
      >
        {errorMessage(summary.error)}
      </Alert>
    );
  }
  const data = summary.data;
  if (data.sources.length === 0) {
    return (
      <Card aria-labelledby="sources-heading">
        <h2 id="sources-heading" className="sr-only">
          Sources
        </h2>
        <EmptyState
          icon="cloud"
          title="Nothing is backed up yet"
          actions={
            canConnect ? (
              <ButtonLink href={`/o/${orgId}/sources/connect`}>
                <Icon name="plus" className="size-4" />
                Connect a source
              </ButtonLink>
            ) : (
              <ButtonLink href={`/o/${orgId}/sources`} variant="secondary">
                Go to Sources
              </ButtonLink>
            )
          }
        >
          {canConnect
            ? "Connect Google Workspace or Microsoft 365 from Sources → Connect. Once the first backup finishes, this page shows what is protected, how old each recovery point is, and anything that needs you."
            : "An admin of this organisation connects Google Workspace or Microsoft 365; its protection then shows up here."}
        </EmptyState>
      </Card>
    );
  }

  return (
    <div className="space-y-6 sm:space-y-8">
      <div className="space-y-3">
        <Banners orgId={orgId} summary={data} />
      </div>

      <section aria-labelledby="protection-at-a-glance">
        <h2 id="protection-at-a-glance" className="sr-only">
          Protection at a glance
        </h2>
        <Headline summary={data} />
        <p className="mt-2 text-xs text-slate-500">
          {data.totals.running > 0 ? `${formatCount(data.totals.running)} backup${data.totals.running === 1 ? "" : "s"} running · ` : ""}
          Updated <LocalTime iso={data.generatedAt} mode="relative" />
        </p>
      </section>

      <Card aria-labelledby="sources-heading">
        <CardHeader
          id="sources-heading"
          title="Sources"
          description="Each connected account, its protection state, and what to do when it is not protected."
          actions={
            <ButtonLink href={`/o/${orgId}/sources`} size="sm" variant="secondary">
              All sources
            </ButtonLink>
          }
        />
        <SourceList orgId={orgId} sources={data.sources} />
      </Card>

      <Card aria-labelledby="units-heading">
        <CardHeader id="units-heading" title="Units" description="Mailboxes, drives and sites selected for backup, worst first." />
        <UnitList orgId={orgId} summary={data} />
      </Card>

      <HistoryCard orgId={orgId} sources={data.sources} running={data.totals.running > 0} />

      <DrillsCard orgId={orgId} />
    </div>
  );
}
