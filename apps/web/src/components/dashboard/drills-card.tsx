"use client";
import { useQuery } from "@tanstack/react-query";
import type { Drill } from "@holdfast/services";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { ListSkeleton } from "~/components/ui/spinner";
import { errorMessage } from "~/lib/errors";
import { formatBytes, formatCount } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";
import { DRILL_STATUS, drillItemsSummary, formatRestoreTime } from "./drills-format";

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm font-semibold text-slate-900">{value}</dd>
    </div>
  );
}

function LatestDrill({ drill }: { drill: Drill }) {
  const status = DRILL_STATUS[drill.status];
  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <Badge tone={status.tone}>{status.label}</Badge>
        {drill.status === "running" ? (
          <span>
            Started <LocalTime iso={drill.startedAt} mode="relative" />
          </span>
        ) : (
          <span>
            Last drill <LocalTime iso={drill.finishedAt ?? drill.startedAt} />
          </span>
        )}
      </p>
      {drill.status !== "running" ? (
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Stat label="Items restored" value={drillItemsSummary(drill)} />
          <Stat label="Size restored" value={formatBytes(drill.bytesRestored)} />
          <Stat label="Restore time" value={formatRestoreTime(drill.restoreMs)} />
          <Stat label="Packs verified" value={`${formatCount(drill.packsChecked)} (of ${formatCount(drill.snapshotsChecked)} snapshots read)`} />
        </dl>
      ) : null}
      {drill.status === "failed" && drill.problems.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold text-red-800">Problems found</h3>
          <ul className="mt-1 space-y-1 text-sm text-slate-700">
            {drill.problems.map((p, i) => (
              <li key={`${p.object}-${i}`} className="break-words">
                <span className="font-medium">{p.object}</span>: {p.problem}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The latest restore drills (issue 7): a sample restored into scratch space daily and checked against the catalogue. */
export function DrillsCard({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const drills = useQuery({ ...trpc.dashboard.drills.queryOptions({ orgId }), refetchInterval: (q) => (q.state.data?.[0]?.status === "running" ? 15_000 : false) });
  const [latest, ...earlier] = drills.data ?? [];
  return (
    <Card aria-labelledby="drills-heading">
      <CardHeader
        id="drills-heading"
        title="Restore drills"
        description="Every day Holdfast restores a sample of your backed-up items into scratch space on its own servers (never into your accounts) and checks each against the fingerprint recorded when it was backed up."
      />
      <div className="px-4 py-5 sm:px-6">
        {drills.isPending ? (
          <ListSkeleton rows={2} label="Loading restore drills" />
        ) : drills.isError ? (
          <Alert
            tone="danger"
            title="Could not load the restore drills"
            actions={
              <Button size="sm" variant="secondary" onClick={() => void drills.refetch()} loading={drills.isFetching}>
                Try again
              </Button>
            }
          >
            {errorMessage(drills.error)}
          </Alert>
        ) : !latest ? (
          <EmptyState icon="restore" title="No drill has run yet">
            The first drill runs within a day of the first backup.
          </EmptyState>
        ) : (
          <div className="space-y-5">
            <LatestDrill drill={latest} />
            {earlier.length > 0 ? (
              <div>
                <h3 className="text-sm font-semibold text-slate-900">Earlier drills</h3>
                <ul className="mt-1 divide-y divide-slate-100 text-sm">
                  {earlier.map((d) => (
                    <li key={d.id} className="flex flex-wrap items-center gap-2 py-1.5 text-slate-700">
                      <Badge tone={DRILL_STATUS[d.status].tone}>{DRILL_STATUS[d.status].label}</Badge>
                      <LocalTime iso={d.finishedAt ?? d.startedAt} />
                      <span className="text-slate-500">· {drillItemsSummary(d)}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        )}
      </div>
    </Card>
  );
}
