"use client";
// Every source's units, grouped by source, with a filter box. One list named "Units" holds them
// all (each source a group inside it), so "the units" is one thing for keyboard and screen-reader
// users as for the end-to-end tests. A self-service person gets one flat list of their own units
// instead (OwnUnitPicker): they have no sources to group by (ADR 0016).
import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useMemo, useState } from "react";
import type { SourceDetail, Unit } from "@holdfast/services";
import { UnitIcon } from "~/components/catalogue/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { TextField } from "~/components/ui/field";
import { LocalTime, TimeSuffix } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { RetryAlert } from "~/components/ui/retry-alert";
import { ListSkeleton } from "~/components/ui/spinner";
import { browseHref, unitLabel, unitMatches } from "~/lib/catalogue";
import { errorMessage } from "~/lib/errors";
import { PROVIDER_LABEL, UNIT_KIND_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE = 100;

function UnitRow({ orgId, unit, lastBackupAt }: { orgId: string; unit: Unit; lastBackupAt: string | undefined }) {
  const label = unitLabel(unit);
  const gone = unit.state === "gone" || unit.state === "deleted";
  return (
    <li>
      <Link
        href={browseHref(orgId, unit.id)}
        className="flex items-center gap-3 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 sm:px-6"
      >
        <span className="min-w-0 flex-1">
          <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="truncate text-sm font-medium text-slate-900">{label.primary}</span>
            {gone ? <Badge tone="warning">{unit.state === "deleted" ? "Deleted at the source" : "No longer in the source"}</Badge> : null}
          </span>
          <span className="mt-0.5 block truncate text-sm text-slate-500">
            {UNIT_KIND_LABEL[unit.kind]}
            {label.secondary ? ` · ${label.secondary}` : ""}
          </span>
        </span>
        <span className="hidden shrink-0 text-right text-sm text-slate-500 sm:block">
          {lastBackupAt ? (
            <>
              Last backup <LocalTime iso={lastBackupAt} mode="relative" />
            </>
          ) : unit.lastSnapshotId ? (
            "Backed up"
          ) : (
            "Not backed up yet"
          )}
        </span>
        <span aria-hidden="true" className="order-first">
          <UnitIcon kind={unit.kind} />
        </span>
      </Link>
    </li>
  );
}

function SourceGroup({ orgId, source, filter }: { orgId: string; source: SourceDetail; filter: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  // sources.units keeps its cursor inside `page`, so pages are one query each, in order.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const pages = useQueries({ queries: cursors.map((cursor) => trpc.sources.units.queryOptions({ orgId, id: source.id, page: { limit: PAGE, ...(cursor ? { cursor } : {}) } })) });
  const firstPage = pages[0];
  const lastPage = pages.at(-1);
  const nextCursor = lastPage?.data?.nextCursor ?? null;
  const failed = pages.find((p) => p.isError);
  // The newest snapshots of the source name each unit's last backup (older ones say "Backed up").
  const snapshots = useQuery(trpc.catalogue.snapshots.queryOptions({ orgId, sourceId: source.id, limit: 200 }));
  const last = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of snapshots.data?.items ?? []) if (s.committedAt && !m.has(s.unitId)) m.set(s.unitId, s.committedAt);
    return m;
  }, [snapshots.data]);
  const all = pages.flatMap((p) => p.data?.items ?? []);
  const shown = all.filter((u) => unitMatches(u, filter, UNIT_KIND_LABEL[u.kind]));

  return (
    <li aria-labelledby={headingId}>
      <Card as="div">
        <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-4 py-3 sm:px-6">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {source.displayName}
          </h2>
          <p className="text-sm text-slate-500">
            {PROVIDER_LABEL[source.provider]}
            <TimeSuffix prefix=" · last backup " iso={source.lastSuccessfulBackupAt} mode="relative" />
          </p>
        </div>
        {firstPage?.isPending ? (
          <ListSkeleton rows={3} label={`Loading the units of ${source.displayName}`} />
        ) : failed && all.length === 0 ? (
          <div className="p-4 sm:p-6">
            <RetryAlert error={failed.error} onRetry={() => void failed.refetch()} />
          </div>
        ) : all.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-500 sm:px-6">Nothing discovered in this source yet. Units appear after the provider&apos;s administrator approves access.</p>
        ) : (
          <>
            {shown.length === 0 ? (
              <p className="px-4 py-4 text-sm text-slate-500 sm:px-6">No unit of this source matches “{filter.trim()}”{nextCursor ? " among those loaded" : ""}.</p>
            ) : (
              <ul aria-label={source.displayName} className="divide-y divide-slate-100">
                {shown.map((u) => (
                  <UnitRow key={u.id} orgId={orgId} unit={u} lastBackupAt={last.get(u.id)} />
                ))}
              </ul>
            )}
            {failed ? (
              <div className="px-4 pb-4 sm:px-6">
                <Alert tone="danger">{errorMessage(failed.error)}</Alert>
              </div>
            ) : null}
            {nextCursor || lastPage?.isPending ? (
              <div className="border-t border-slate-100 px-4 py-3 sm:px-6">
                <Button variant="secondary" size="sm" onClick={() => nextCursor && setCursors((cs) => [...cs, nextCursor])} loading={lastPage?.isPending}>
                  Load more
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>
    </li>
  );
}

export function UnitPicker({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  const sources = useQuery(trpc.sources.list.queryOptions({ orgId }));
  return (
    <QueryStates
      query={sources}
      loading="Loading sources"
      rows={4}
      retry
      standalone
      isEmpty={(list) => list.length === 0}
      empty={
        <EmptyState icon="database" title="Nothing is backed up yet" actions={<ButtonLink href={`/o/${orgId}/sources`}>Connect a source</ButtonLink>}>
          Connect Google Workspace or Microsoft 365; once the first backup has run, its mailboxes, drives and calendars can be browsed here.
        </EmptyState>
      }
    >
      {(list) => (
        <div className="space-y-4">
          <TextField label="Filter units" type="text" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name, e-mail address or kind (mailbox, drive…)" className="max-w-md" autoComplete="off" />
          <ul aria-label="Units" className="space-y-6">
            {list.map((s) => (
              <SourceGroup key={s.id} orgId={orgId} source={s} filter={filter} />
            ))}
          </ul>
        </div>
      )}
    </QueryStates>
  );
}

/** A self-service person's own units: one flat list named "Units", newest backup shown per unit. */
export function OwnUnitPicker({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  const own = useQuery(trpc.catalogue.ownUnits.queryOptions({ orgId }));
  return (
    <QueryStates
      query={own}
      loading="Loading your data"
      retry
      standalone
      isEmpty={(units) => units.length === 0}
      empty={
        <EmptyState icon="cloud" title="No backed-up data of yours yet">
          Your organisation backs up mailboxes, drives and calendars on a schedule. Once yours has been backed up, it appears here, ready to browse, restore or download.
        </EmptyState>
      }
    >
      {(units) => {
        const shown = units.filter((u) => unitMatches(u, filter, UNIT_KIND_LABEL[u.kind]));
        return (
          <div className="space-y-4">
            {units.length > 5 ? (
              <TextField label="Filter units" type="text" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name or kind (mailbox, drive…)" className="max-w-md" autoComplete="off" />
            ) : null}
            <Card as="div">
              {shown.length === 0 ? (
                <p className="px-4 py-4 text-sm text-slate-500 sm:px-6">None of your units matches “{filter.trim()}”.</p>
              ) : (
                <ul aria-label="Units" className="divide-y divide-slate-100">
                  {shown.map((u) => (
                    <UnitRow key={u.id} orgId={orgId} unit={u} lastBackupAt={u.lastBackupAt ?? undefined} />
                  ))}
                </ul>
              )}
            </Card>
          </div>
        );
      }}
    </QueryStates>
  );
}
