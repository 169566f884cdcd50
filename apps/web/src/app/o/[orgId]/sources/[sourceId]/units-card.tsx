"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { GuardedRequestView, SourceDetail, Unit } from "@holdfast/services";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ListSkeleton } from "~/components/ui/spinner";
import { Switch } from "~/components/ui/switch";
import { browseHref, searchHref } from "~/lib/catalogue";
import { errorMessage } from "~/lib/errors";
import { UNIT_KIND_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE = 100;

/** A removed source's unit: nothing to switch any more, but its backups can still be opened. */
function RemovedUnitRow({ orgId, unit }: { orgId: string; unit: Unit }) {
  const name = unit.ownerEmail && unit.ownerEmail !== unit.displayName ? `${unit.displayName} (${unit.ownerEmail})` : unit.displayName;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
      <div className="min-w-0 flex-1 basis-56">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
          <Badge tone="neutral">{UNIT_KIND_LABEL[unit.kind]}</Badge>
          <span className="min-w-0 truncate">{unit.displayName}</span>
        </p>
        <p className="mt-0.5 truncate text-sm text-slate-500">{unit.ownerEmail ?? unit.externalId}</p>
      </div>
      {unit.lastSnapshotId ? (
        <span className="flex flex-wrap gap-2">
          <ButtonLink href={browseHref(orgId, unit.id)} variant="secondary" size="sm" aria-label={`Browse the backups of ${name}`}>
            Browse
          </ButtonLink>
          <ButtonLink href={searchHref(orgId, { unit: unit.id })} variant="ghost" size="sm" aria-label={`Search the backups of ${name}`}>
            Search
          </ButtonLink>
        </span>
      ) : (
        <span className="text-sm text-slate-500">Never backed up</span>
      )}
    </li>
  );
}

function UnitRow({ orgId, unit, canManage }: { orgId: string; unit: Unit; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  // Excluding an account that has backups is a guarded request (ADR 0020): say so instead of flipping the switch.
  const [requested, setRequested] = useState<GuardedRequestView | null>(null);
  const set = useMutation(
    trpc.sources.setUnitProtection.mutationOptions({
      onSuccess: (r) => {
        setRequested(r.outcome === "requested" ? r.request : null);
        return Promise.all([qc.invalidateQueries({ queryKey: trpc.sources.units.pathKey() }), qc.invalidateQueries({ queryKey: trpc.sources.get.pathKey() })]);
      },
    }),
  );
  const gone = unit.state === "gone" || unit.state === "deleted";
  const name = unit.ownerEmail && unit.ownerEmail !== unit.displayName ? `${unit.displayName} (${unit.ownerEmail})` : unit.displayName;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
      <div className="min-w-0 flex-1 basis-56">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
          <Badge tone="neutral">{UNIT_KIND_LABEL[unit.kind]}</Badge>
          <span className="min-w-0 truncate">{unit.displayName}</span>
        </p>
        <p className="mt-0.5 truncate text-sm text-slate-500">
          {unit.ownerEmail ?? unit.externalId}
          {unit.state !== "active" ? ` · ${unit.state}` : ""}
          {unit.protection !== "auto" ? ` · ${unit.protection === "included" ? "always included" : "excluded by an admin"}` : " · follows the source's default"}
        </p>
        {set.error ? <p className="mt-1 text-sm text-red-700">{errorMessage(set.error)}</p> : null}
        {requested ? <RequestedNotice orgId={orgId} request={requested} className="mt-2" /> : null}
      </div>
      <span className="text-sm text-slate-600" aria-hidden="true">
        {unit.protected ? "Protected" : "Not protected"}
      </span>
      <Switch
        checked={unit.protected}
        label={`Protect ${name}`}
        disabled={!canManage || gone}
        pending={set.isPending}
        onChange={(on) => set.mutate({ orgId, unitId: unit.id, protection: on ? "included" : "excluded" })}
      />
    </li>
  );
}

function UnitsPage({
  orgId,
  sourceId,
  cursor,
  canManage,
  removed,
  isLast,
  onMore,
  refreshing,
}: {
  orgId: string;
  sourceId: string;
  cursor: string | undefined;
  canManage: boolean;
  removed: boolean;
  isLast: boolean;
  onMore: (c: string) => void;
  refreshing: boolean;
}) {
  const trpc = useTRPC();
  const page = useQuery({
    ...trpc.sources.units.queryOptions({ orgId, id: sourceId, page: { limit: PAGE, ...(cursor ? { cursor } : {}) } }),
    // Discovery adds units at the start of each backup; while one runs, the list follows.
    refetchInterval: refreshing ? 3_000 : false,
  });
  if (page.isPending) return <ListSkeleton rows={3} label="Loading units" />;
  if (page.isError) {
    return (
      <div className="p-4 sm:p-6">
        <Alert tone="danger">{errorMessage(page.error)}</Alert>
      </div>
    );
  }
  if (!cursor && page.data.items.length === 0) {
    return (
      <EmptyState icon="users" title={refreshing ? "Discovering users, mailboxes and drives…" : "No units found yet"}>
        {refreshing ? "They appear here as the first backup lists them." : "Units are discovered when the source is connected and at the start of every backup."}
      </EmptyState>
    );
  }
  return (
    <>
      <ul aria-label={cursor ? "More units" : "Units"} className="divide-y divide-slate-100 border-b border-slate-100 last:border-b-0">
        {page.data.items.map((u) => (removed ? <RemovedUnitRow key={u.id} orgId={orgId} unit={u} /> : <UnitRow key={u.id} orgId={orgId} unit={u} canManage={canManage} />))}
      </ul>
      {isLast && page.data.nextCursor ? (
        <div className="px-4 py-3 sm:px-6">
          <Button variant="secondary" size="sm" onClick={() => page.data.nextCursor && onMore(page.data.nextCursor)}>
            Show more units
          </Button>
        </div>
      ) : null}
    </>
  );
}

export function UnitsCard({ orgId, source, canManage, refreshing }: { orgId: string; source: SourceDetail; canManage: boolean; refreshing: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const update = useMutation(trpc.sources.update.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.sources.get.queryKey({ orgId, id: source.id }) }) }));
  // A removed source protects nothing any more (its verbs answer 409): the card only leads to its backups.
  const removed = source.status === "removed";
  return (
    <Card aria-labelledby="units-heading">
      <CardHeader
        id="units-heading"
        title="Discovered units"
        description={
          removed
            ? "The accounts this source backed up. Their backups can be browsed, searched and restored until their retention ends."
            : `${source.units.protected} of ${source.units.total} protected. Users' mailboxes, drives, calendars and contacts, shared drives and sites.`
        }
        actions={
          removed ? null : (
            <span className="flex items-center gap-3">
              <span id="auto-protect-label" className="text-sm font-medium text-slate-700">
                Auto-protect new units
              </span>
              <Switch
                checked={source.autoProtectNewUnits}
                label="Auto-protect new units"
                description="Units discovered from now on are protected at once"
                disabled={!canManage}
                pending={update.isPending}
                onChange={(on) => update.mutate({ orgId, id: source.id, changes: { autoProtectNewUnits: on } })}
              />
            </span>
          )
        }
      />
      {update.error ? (
        <div className="px-4 pt-4 sm:px-6">
          <Alert tone="danger">{errorMessage(update.error)}</Alert>
        </div>
      ) : null}
      {source.status === "pending_consent" && source.units.total === 0 ? (
        <EmptyState icon="users" title="Nothing discovered yet">
          Units are listed once the provider&apos;s administrator has approved access.
        </EmptyState>
      ) : (
        cursors.map((c, i) => (
          <UnitsPage
            key={c ?? "first"}
            orgId={orgId}
            sourceId={source.id}
            cursor={c}
            canManage={canManage}
            removed={removed}
            isLast={i === cursors.length - 1}
            refreshing={refreshing && i === 0}
            onMore={(next) => setCursors((cs) => [...cs, next])}
          />
        ))
      )}
    </Card>
  );
}
