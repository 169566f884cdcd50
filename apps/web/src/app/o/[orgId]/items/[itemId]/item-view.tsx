"use client";
// One backed-up item: the chosen version's details and preview, and every version captured
// (newest first) with its preview, download and restore links.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { GuardedRequestView, ItemVersion } from "@holdfast/services";
import { EraseItemAction, isErasedError, useOpenErasure } from "~/components/catalogue/erase-item";
import { ItemIcon } from "~/components/catalogue/icons";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { ItemPreview } from "~/components/preview/item-preview";
import { useOrgAccess } from "~/components/shell/org-access";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { ButtonLink } from "~/components/ui/button";
import { Card, CardHeader, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime, TimeSuffix } from "~/components/ui/local-time";
import { LoadFailed } from "~/components/ui/load-failed";
import { ListPageSkeleton } from "~/components/ui/page-skeleton";
import { browseHref, contentHref, ITEM_KIND_LABEL, itemDate, itemDisplayName, itemHref, restoreHref, senderOf, senderRole } from "~/lib/catalogue";
import { cn } from "~/lib/cn";
import { errorMessage } from "~/lib/errors";
import { atLeast } from "~/lib/roles";
import { formatBytes } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const LINK = "inline-flex items-center gap-1 rounded text-sm font-medium text-brand-700 hover:underline";

const text = (v: unknown): string | undefined => {
  if (typeof v === "string" && v.trim()) return v.trim();
  if (Array.isArray(v)) {
    const parts = v.flatMap((x) => (typeof x === "string" && x.trim() ? [x.trim()] : []));
    return parts.length ? parts.join(", ") : undefined;
  }
  return undefined;
};

function Details({ orgId, v }: { orgId: string; v: ItemVersion }) {
  const m = v.metadata;
  const date = itemDate(v);
  const sender = senderOf(v);
  const rows: [string, ReactNode][] = [];
  rows.push(["Type", ITEM_KIND_LABEL[v.kind]]);
  rows.push([
    "Folder",
    <Link key="folder" href={browseHref(orgId, v.unitId, { path: v.parentPath, ...(v.supersededAt ? { asOf: v.capturedAt } : {}) })} className="break-all text-brand-700 hover:underline">
      {v.parentPath}
    </Link>,
  ]);
  if (sender) rows.push([senderRole(v.kind), sender]);
  if (v.kind === "message") {
    const to = text(m.to);
    const cc = text(m.cc);
    if (to) rows.push(["To", to]);
    if (cc) rows.push(["Cc", cc]);
  }
  if (v.kind === "event") {
    const start = m.start && typeof m.start === "object" ? text((m.start as Record<string, unknown>).dateTime) : text(m.start);
    if (start) rows.push(["Starts", start]);
    const location = text(m.location);
    if (location) rows.push(["Location", location]);
  }
  if (date) rows.push([v.kind === "message" ? "Date" : "Modified", <LocalTime key="date" iso={date} />]);
  if (v.size !== null && v.kind !== "folder") rows.push(["Size", formatBytes(v.size)]);
  const mime = text(m.mimeType);
  if (mime) rows.push(["Format", mime]);
  rows.push(["Captured", <LocalTime key="captured" iso={v.capturedAt} seconds />]);
  rows.push([
    "Current until",
    v.supersededAt ? <LocalTime key="until" iso={v.supersededAt} seconds /> : <span key="until">Still current in the latest backup</span>,
  ]);
  if (v.itemDeletedAt) rows.push(["Deleted at the source", <LocalTime key="deleted" iso={v.itemDeletedAt} seconds />]);
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 px-4 py-4 text-sm sm:grid-cols-[minmax(8rem,auto)_1fr] sm:px-6">
      {rows.map(([k, val]) => (
        <div key={k} className="contents">
          <dt className="font-medium text-slate-500">{k}</dt>
          <dd className="-mt-2 min-w-0 break-words text-slate-900 sm:mt-0">{val}</dd>
        </div>
      ))}
    </dl>
  );
}

function VersionRow({ orgId, v, selected, latest }: { orgId: string; v: ItemVersion; selected: boolean; latest: boolean }) {
  return (
    <li className={cn("px-4 py-3 sm:px-6", selected && "bg-brand-50/60")}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            <span>
              Captured <LocalTime iso={v.capturedAt} />
            </span>
            {latest && !v.supersededAt && !v.itemDeletedAt ? <Badge tone="success">Current</Badge> : null}
            {selected ? <Badge tone="brand">Shown</Badge> : null}
          </p>
          <p className="mt-0.5 text-xs text-slate-500">
            {v.size !== null && v.kind !== "folder" ? formatBytes(v.size) : "—"}
            <TimeSuffix prefix=" · replaced " iso={v.supersededAt} />
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
          <Link href={itemHref(orgId, v.itemId, v.id)} className={LINK} aria-current={selected ? "page" : undefined}>
            <Icon name="eye" className="size-4" />
            Preview
          </Link>
          {v.kind !== "folder" ? (
            <a href={contentHref(orgId, v.itemId, v.id)} className={LINK}>
              <Icon name="download" className="size-4" />
              Download
            </a>
          ) : null}
          <Link href={restoreHref(orgId, { unitId: v.unitId, asOf: v.capturedAt, items: [v.itemId] })} className={LINK}>
            <Icon name="restore" className="size-4" />
            Restore this version
          </Link>
        </div>
      </div>
    </li>
  );
}

export function ItemView({ orgId, itemId, versionId }: { orgId: string; itemId: string; versionId?: string }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.catalogue.items.versions.queryOptions({ orgId, id: itemId }));
  const all = versions.data ?? [];
  const newest = all.at(-1);
  const shown = (versionId ? all.find((v) => v.id === versionId) : undefined) ?? newest;
  const unit = useQuery({ ...trpc.catalogue.unit.queryOptions({ orgId, id: shown?.unitId ?? "" }), enabled: Boolean(shown) });
  // Erasure is for owners and admins; the service refuses anyone else too.
  const access = useOrgAccess(orgId);
  const canErase = access !== null && !access.selfService && atLeast(access.role, "admin");
  // One asked for here shows at once; the organisation's open requests show one asked for earlier or elsewhere.
  const [justRequested, setJustRequested] = useState<GuardedRequestView | null>(null);
  const openErasure = useOpenErasure(orgId, itemId, Boolean(shown) && access !== null && !access.selfService);
  const erasure = openErasure ?? justRequested;
  const noticeRef = useRef<HTMLDivElement>(null);
  // The dialog has closed and its button is gone: start again at the notice that says what happens next.
  useEffect(() => {
    if (justRequested) noticeRef.current?.focus();
  }, [justRequested]);

  if (versions.isPending) return <ListPageSkeleton label="Loading the item" />;
  if (versions.isError || !shown) {
    return (
      <LoadFailed
        error={versions.isError ? versions.error : null}
        onRetry={() => void versions.refetch()}
        notFound={
          isErasedError(versions.error) ? (
            <EmptyState icon="lock" title="This item was erased from the backups" actions={<ButtonLink href={`/o/${orgId}/browse`}>Browse backups</ButtonLink>}>
              {errorMessage(versions.error)}. Its name and details were scrubbed; the vault&apos;s encrypted copy stays locked, beyond use, until its retention date.
            </EmptyState>
          ) : (
            <EmptyState icon="search" title="This item is not in your backups" actions={<ButtonLink href={`/o/${orgId}/browse`}>Browse backups</ButtonLink>}>
              It does not exist, or it belongs to another organisation.
            </EmptyState>
          )
        }
      />
    );
  }

  const name = itemDisplayName(shown);
  const newestFirst = [...all].reverse();
  return (
    <>
      <p className="mb-3">
        <Link href={browseHref(orgId, shown.unitId, { path: shown.parentPath, ...(shown.supersededAt ? { asOf: shown.capturedAt } : {}) })} className="inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-brand-700">
          <Icon name="chevronLeft" className="size-4" />
          {unit.data ? `${unit.data.displayName} · ${shown.parentPath}` : shown.parentPath}
        </Link>
      </p>
      <PageHeader
        title={
          <span className="flex min-w-0 items-start gap-3">
            <ItemIcon version={shown} className="mt-1.5 size-7" />
            <span className="min-w-0 break-words">{name}</span>
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-2">
            {shown.itemDeletedAt ? <Badge tone="danger">Deleted</Badge> : null}
            {shown.id !== newest?.id ? <Badge tone="warning">Older version</Badge> : null}
            <span>
              {all.length} {all.length === 1 ? "version" : "versions"} backed up
              {unit.data ? ` from ${unit.data.displayName}` : ""}
            </span>
          </span>
        }
        actions={canErase && !erasure ? <EraseItemAction orgId={orgId} itemId={itemId} itemName={name} onRequested={setJustRequested} /> : null}
      />
      {erasure ? (
        <div ref={noticeRef} tabIndex={-1} className="mb-4 rounded-lg outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
          <RequestedNotice orgId={orgId} request={erasure} />
        </div>
      ) : null}
      {versionId && shown.id !== versionId ? (
        <Alert tone="warning" className="mb-4">
          That version of the item was not found; the newest is shown.
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
        <div className="min-w-0 space-y-6">
          <Card aria-labelledby="details-heading">
            <CardHeader id="details-heading" title="Details" description={<>The version captured <LocalTime iso={shown.capturedAt} /></>} />
            <Details orgId={orgId} v={shown} />
          </Card>
          <Card aria-labelledby="versions-heading">
            <CardHeader id="versions-heading" title="Versions" description="Every version Holdfast captured, newest first. Each can be previewed, downloaded or restored." />
            <ul aria-label="Versions" className="divide-y divide-slate-100">
              {newestFirst.map((v) => (
                <VersionRow key={v.id} orgId={orgId} v={v} selected={v.id === shown.id} latest={v.id === newest?.id} />
              ))}
            </ul>
          </Card>
        </div>
        <section aria-labelledby="preview-heading" className="min-w-0">
          <Card as="div">
            <CardHeader id="preview-heading" title="Preview" description={<>As captured <LocalTime iso={shown.capturedAt} /></>} />
            <div className="p-4 sm:p-6">
              <ItemPreview key={shown.id} orgId={orgId} itemId={itemId} version={shown} />
            </div>
          </Card>
        </section>
      </div>
    </>
  );
}
