"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import type { DashboardSource } from "@holdfast/services";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { Skeleton } from "~/components/ui/spinner";
import { cn } from "~/lib/cn";
import { errorMessage } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { ProtectedDataChart, RunDurationChart, VaultStorageChart } from "./charts";

const RANGES = [7, 30, 90] as const;

const subscribe = () => () => undefined;

/** The viewer's IANA zone, or null on the server and during hydration (days must be the viewer's). */
function useViewerTimeZone(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
}

/** Protected data, vault storage and run durations over the chosen number of the viewer's days. */
export function HistoryCard({ orgId, sources, running }: { orgId: string; sources: DashboardSource[]; running: boolean }) {
  const trpc = useTRPC();
  const viewerZone = useViewerTimeZone();
  const timeZone = viewerZone ?? "UTC";
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const history = useQuery({
    ...trpc.dashboard.history.queryOptions({ orgId, days, timeZone }),
    enabled: viewerZone !== null,
    refetchInterval: running ? 30_000 : false,
  });
  const names = new Map(sources.map((s) => [s.id, s.name]));
  return (
    <Card aria-labelledby="history-heading">
      <CardHeader
        id="history-heading"
        title="History"
        description={`Days in your time zone${viewerZone ? ` (${viewerZone})` : ""}. Vault storage counts what backups wrote, before deduplication and compression.`}
        actions={
          <div role="group" aria-label="Period" className="inline-flex rounded-lg ring-1 ring-slate-300">
            {RANGES.map((r) => (
              <button
                key={r}
                type="button"
                aria-pressed={days === r}
                onClick={() => setDays(r)}
                className={cn(
                  "px-3 py-1.5 text-sm font-medium first:rounded-l-lg last:rounded-r-lg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
                  days === r ? "bg-slate-900 text-white" : "bg-white text-slate-700 hover:bg-slate-50",
                )}
              >
                {r} days
              </button>
            ))}
          </div>
        }
      />
      <div className="px-4 py-5 sm:px-6">
        {history.isPending ? (
          <div role="status" aria-live="polite" className="grid gap-6 lg:grid-cols-2 2xl:grid-cols-3">
            <span className="sr-only">Loading history…</span>
            {[0, 1, 2].map((i) => (
              <div key={i} className="space-y-2">
                <Skeleton className="h-4 w-32" />
                <Skeleton className="h-48 w-full sm:h-56" />
              </div>
            ))}
          </div>
        ) : history.isError ? (
          <Alert
            tone="danger"
            title="Could not load the history"
            actions={
              <Button size="sm" variant="secondary" onClick={() => void history.refetch()}>
                Try again
              </Button>
            }
          >
            {errorMessage(history.error)}
          </Alert>
        ) : history.data.days.every((d) => d.protectedBytes === 0 && d.vaultBytes === 0) && history.data.runs.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-500">Nothing to chart yet: the charts fill in once the first backup has finished.</p>
        ) : (
          <div className="grid gap-8 lg:grid-cols-2 2xl:grid-cols-3">
            <ProtectedDataChart days={history.data.days} />
            <VaultStorageChart days={history.data.days} />
            <div className="lg:col-span-2 2xl:col-span-1">
              <RunDurationChart runs={history.data.runs} sourceName={(id) => names.get(id) ?? "Removed source"} />
              {history.data.runsTruncated ? <p className="mt-2 text-xs text-slate-500">Showing the latest {history.data.runs.length} runs.</p> : null}
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}
