"use client";
// One folder of a unit as it was at a point in time: the "as of" banner and its calendar, the
// folder path, sub-folders then items (a page at a time), selection and the restore/export
// actions, which hand the selection to the restore wizard.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState } from "react";
import type { ItemVersion } from "@holdfast/services";
import { ItemIcon, UnitIcon } from "~/components/catalogue/icons";
import { PointInTimeDialog } from "~/components/catalogue/point-in-time-dialog";
import { SearchForm } from "~/components/catalogue/search-form";
import { SelectionActions, type SelectionMode } from "~/components/catalogue/selection-actions";
import { Sender } from "~/components/catalogue/sender";
import { Icon } from "~/components/icons";
import { useOrgAccess } from "~/components/shell/org-access";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LoadMoreFooter, showing } from "~/components/ui/list-footer";
import { LoadFailed } from "~/components/ui/load-failed";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { Skeleton } from "~/components/ui/spinner";
import { browseHref, folderName, itemDate, itemDisplayName, itemHref, pathCrumbs, restoreHref } from "~/lib/catalogue";
import { formatBytes, PROVIDER_LABEL, UNIT_KIND_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE = 100;

type Row = { key: string; type: "folder"; name: string; path: string; version?: ItemVersion } | { key: string; type: "item"; name: string; version: ItemVersion };

const CHECKBOX = "size-4 shrink-0 rounded border-slate-300 text-brand-700 focus:ring-brand-600";

function Breadcrumbs({ orgId, unitId, path, asOf, unitName }: { orgId: string; unitId: string; path: string; asOf?: string; unitName: string }) {
  const crumbs = pathCrumbs(path);
  return (
    <nav aria-label="Folder path" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-1 text-sm">
        <li className="flex items-center">
          <Link href={browseHref(orgId, unitId, { ...(asOf ? { asOf } : {}) })} className="rounded px-1 font-medium text-brand-700 hover:underline" aria-current={crumbs.length === 0 ? "page" : undefined} title={`Everything in ${unitName}`}>
            All items
          </Link>
        </li>
        {crumbs.map((c, i) => (
          <li key={c.path} className="flex min-w-0 items-center">
            <Icon name="chevronRight" className="size-3.5 shrink-0 text-slate-400" />
            <Link
              href={browseHref(orgId, unitId, { path: c.path, ...(asOf ? { asOf } : {}) })}
              className="max-w-[14rem] truncate rounded px-1 font-medium text-brand-700 hover:underline"
              aria-current={i === crumbs.length - 1 ? "page" : undefined}
            >
              {c.name}
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function AsOfBanner({ unitName, asOf, listedAt, onChoose }: { unitName: string; asOf?: string; listedAt: string; onChoose: () => void }) {
  return (
    <div className={asOf ? "rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200 ring-inset" : "rounded-xl bg-sky-50 p-4 ring-1 ring-sky-200 ring-inset"}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <p data-testid="as-of" className={asOf ? "flex items-start gap-2 text-sm text-amber-950" : "flex items-start gap-2 text-sm text-sky-950"}>
          <Icon name="clock" className={asOf ? "mt-0.5 size-5 shrink-0 text-amber-600" : "mt-0.5 size-5 shrink-0 text-sky-600"} />
          {asOf ? (
            <span>
              You are looking at <strong className="font-semibold break-all">{unitName}</strong> as it was on{" "}
              <strong className="font-semibold">
                <LocalTime iso={asOf} seconds />
              </strong>
              .
            </span>
          ) : (
            <span>
              You are looking at <strong className="font-semibold break-all">{unitName}</strong> as it is now, in its latest backup (
              <LocalTime iso={listedAt} />
              ).
            </span>
          )}
        </p>
        <Button variant="secondary" size="sm" onClick={onChoose} className="self-start sm:self-auto">
          <Icon name="calendar" className="size-4" />
          Choose point in time
        </Button>
      </div>
    </div>
  );
}

function RowMeta({ v }: { v: ItemVersion }) {
  const date = itemDate(v);
  return (
    <>
      <Sender v={v} />
      {v.kind !== "folder" && v.size !== null ? <span className="shrink-0 tabular-nums">{formatBytes(v.size)}</span> : null}
      {date ? (
        <span className="shrink-0">
          <span className="sr-only">{v.kind === "message" ? "Date" : "Modified"} </span>
          <LocalTime iso={date} />
        </span>
      ) : null}
    </>
  );
}

function ListingRow({ orgId, unitId, asOf, row, checked, onToggle }: { orgId: string; unitId: string; asOf?: string; row: Row; checked: boolean; onToggle: (on: boolean) => void }) {
  const id = useId();
  const v = row.version;
  const href = row.type === "folder" ? browseHref(orgId, unitId, { path: row.path, ...(asOf ? { asOf } : {}) }) : itemHref(orgId, row.version.itemId, row.version.id);
  return (
    <li className={checked ? "bg-brand-50/60" : "hover:bg-slate-50"}>
      <div className="flex items-start gap-3 px-4 py-2.5 sm:items-center sm:px-6">
        <input id={id} type="checkbox" className={`${CHECKBOX} mt-1 sm:mt-0`} checked={checked} onChange={(e) => onToggle(e.target.checked)} aria-label={`Select ${row.name}`} />
        {v ? <ItemIcon version={v} className="mt-0.5 sm:mt-0" /> : <Icon name="folder" className="mt-0.5 size-5 shrink-0 text-amber-500 sm:mt-0" />}
        <div className="flex min-w-0 flex-1 flex-col gap-0.5 sm:flex-row sm:items-center sm:gap-4">
          <span className="flex min-w-0 flex-1 items-center gap-2">
            <Link href={href} className="min-w-0 truncate text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
              {row.name}
            </Link>
            {v?.itemDeletedAt ? (
              <span title="Deleted at the source after this point in time">
                <Badge tone="danger">Deleted</Badge>
              </span>
            ) : null}
          </span>
          {v ? (
            <span className="flex min-w-0 flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-500 sm:max-w-[55%] sm:flex-nowrap sm:justify-end sm:text-sm">
              <RowMeta v={v} />
            </span>
          ) : (
            <span className="text-xs text-slate-500 sm:text-sm">Folder</span>
          )}
        </div>
      </div>
    </li>
  );
}

export function FolderView({ orgId, unitId, path, asOf }: { orgId: string; unitId: string; path: string; asOf?: string }) {
  const trpc = useTRPC();
  const selfService = useOrgAccess(orgId)?.selfService ?? false;
  const router = useRouter();
  const [choosing, setChoosing] = useState(false);
  const [selected, setSelected] = useState<Map<string, Row>>(new Map());
  const [mountedAt] = useState(() => new Date().toISOString());
  const unit = useQuery(trpc.catalogue.unit.queryOptions({ orgId, id: unitId }));
  const listing = useInfiniteQuery(
    trpc.catalogue.items.find.infiniteQueryOptions({ orgId, unitId, path, limit: PAGE, ...(asOf ? { asOf } : {}) }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );

  const rows = useMemo<Row[]>(() => {
    const pages = listing.data?.pages ?? [];
    const derived: Row[] = (pages[0]?.folders ?? []).map((f) => ({ key: `folder:${f.path}`, type: "folder", name: f.name, path: f.path }));
    const entries: Row[] = pages.flatMap((p) =>
      p.items.map((v): Row => (v.kind === "folder" ? { key: `folder:${v.path}`, type: "folder", name: itemDisplayName(v), path: v.path, version: v } : { key: `item:${v.itemId}`, type: "item", name: itemDisplayName(v), version: v })),
    );
    const seen = new Set<string>();
    return [...derived, ...entries].filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
  }, [listing.data]);

  if (unit.isError) {
    return (
      <LoadFailed
        error={unit.error}
        onRetry={() => void unit.refetch()}
        notFound={
          <EmptyState icon="search" title="This account is not in your backups" actions={<ButtonLink href={`/o/${orgId}/browse`}>Pick another</ButtonLink>}>
            It does not exist, or it belongs to another organisation.
          </EmptyState>
        }
      />
    );
  }

  const unitName = unit.data?.displayName ?? "this account";
  const listedAt = listing.data?.pages[0]?.asOf ?? asOf ?? mountedAt;
  const selection = [...selected.values()];
  const go = (mode: SelectionMode, rowsToSend: Row[] | "folder") => {
    const at = asOf ?? new Date().toISOString();
    if (rowsToSend === "folder") {
      router.push(restoreHref(orgId, { unitId, asOf: at, ...(path === "/" ? {} : { paths: [path] }), mode }));
      return;
    }
    router.push(
      restoreHref(orgId, {
        unitId,
        asOf: at,
        items: rowsToSend.flatMap((r) => (r.type === "item" ? [r.version.itemId] : [])),
        paths: rowsToSend.flatMap((r) => (r.type === "folder" ? [r.path] : [])),
        mode,
      }),
    );
  };
  const toggle = (row: Row, on: boolean) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (on) next.set(row.key, row);
      else next.delete(row.key);
      return next;
    });
  const allChecked = rows.length > 0 && rows.every((r) => selected.has(r.key));
  const folderCount = selection.filter((r) => r.type === "folder").length;
  const itemCount = selection.length - folderCount;

  return (
    <>
      <p className="mb-3">
        <Link href={`/o/${orgId}/browse`} className="inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-brand-700">
          <Icon name="chevronLeft" className="size-4" />
          {selfService ? "All your accounts" : "All accounts"}
        </Link>
      </p>
      <PageHeader
        title={
          unit.data ? (
            <span className="flex min-w-0 items-center gap-3">
              <UnitIcon kind={unit.data.kind} />
              <span className="min-w-0 break-all">{unit.data.displayName}</span>
            </span>
          ) : (
            <Skeleton className="h-8 w-64 max-w-full" />
          )
        }
        description={
          unit.data ? (
            <>
              {UNIT_KIND_LABEL[unit.data.kind]}
              {unit.data.ownerEmail && unit.data.ownerEmail !== unit.data.displayName ? ` of ${unit.data.ownerEmail}` : ""} · {unit.data.source.displayName} ({PROVIDER_LABEL[unit.data.source.provider]})
              {unit.data.lastBackupAt ? (
                <>
                  {" · last backup "}
                  <LocalTime iso={unit.data.lastBackupAt} mode="relative" />
                </>
              ) : (
                " · not backed up yet"
              )}
            </>
          ) : undefined
        }
      />

      <div className="space-y-4">
        <AsOfBanner unitName={unitName} asOf={asOf} listedAt={listedAt} onChoose={() => setChoosing(true)} />
        <SearchForm orgId={orgId} initial={{ unit: unitId }} unitName={unit.data?.displayName} />

        <Card>
          <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-6">
            <Breadcrumbs orgId={orgId} unitId={unitId} path={path} asOf={asOf} unitName={unitName} />
            <Button variant="secondary" size="sm" onClick={() => go("restore", "folder")} title={path === "/" ? `Restores everything in ${unitName}` : `Restores everything in ${folderName(path)}`}>
              <Icon name="restore" className="size-4" />
              Restore this folder
            </Button>
          </div>

          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-100 bg-slate-50/70 px-4 py-2.5 sm:px-6">
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                className={CHECKBOX}
                checked={allChecked}
                disabled={rows.length === 0}
                onChange={(e) => setSelected(e.target.checked ? new Map(rows.map((r) => [r.key, r])) : new Map())}
              />
              Select all shown
            </label>
            <p className="text-sm text-slate-500" aria-live="polite">
              {selection.length === 0 ? "Nothing selected" : `${itemCount ? `${itemCount} ${itemCount === 1 ? "item" : "items"}` : ""}${itemCount && folderCount ? ", " : ""}${folderCount ? `${folderCount} ${folderCount === 1 ? "folder" : "folders"}` : ""} selected`}
            </p>
            <SelectionActions count={selection.length} onGo={(mode) => go(mode, selection)} />
          </div>

          <QueryStates
            query={listing}
            loading="Loading the folder"
            rows={6}
            retry
            isEmpty={() => rows.length === 0}
            empty={
              <EmptyState icon="folder" title={<>Nothing in this folder as of <LocalTime iso={listedAt} /></>}>
                {asOf ? "Choose another point in time, or go up a folder." : unit.data?.lastBackupAt ? "It was empty in the latest backup." : "This account has not been backed up yet."}
              </EmptyState>
            }
          >
            {(data) => (
              <>
                {data.pages[0]?.foldersComplete === false ? (
                  <div className="px-4 pt-4 sm:px-6">
                    <Alert tone="info">This folder has more sub-folders than can be listed at once. Search to find an item in it.</Alert>
                  </div>
                ) : null}
                <ul aria-label="Folder contents" className="divide-y divide-slate-100">
                  {rows.map((r) => (
                    <ListingRow key={r.key} orgId={orgId} unitId={unitId} asOf={asOf} row={r} checked={selected.has(r.key)} onToggle={(on) => toggle(r, on)} />
                  ))}
                </ul>
                <LoadMoreFooter pager={listing} summary={showing(rows.length, "entry", "entries")} compact />
              </>
            )}
          </QueryStates>
        </Card>
      </div>

      <PointInTimeDialog
        orgId={orgId}
        unitId={unitId}
        open={choosing}
        {...(asOf ? { asOf } : {})}
        onClose={() => setChoosing(false)}
        onChoose={(iso) => {
          setChoosing(false);
          router.push(browseHref(orgId, unitId, { path, asOf: iso }));
        }}
        onLatest={() => {
          setChoosing(false);
          router.push(browseHref(orgId, unitId, { path }));
        }}
      />
    </>
  );
}
