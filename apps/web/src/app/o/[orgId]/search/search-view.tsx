"use client";
// Search across every captured version, with filters from the URL. Each result is one version
// (the same item can appear once per version); selected results are restored as of one instant
// that every one of them was current at, or the viewer is told to restore them separately.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ItemVersion } from "@holdfast/services";
import { ItemIcon } from "~/components/catalogue/icons";
import { SearchForm } from "~/components/catalogue/search-form";
import { SelectionActions, type SelectionMode } from "~/components/catalogue/selection-actions";
import { Sender } from "~/components/catalogue/sender";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LoadMoreFooter } from "~/components/ui/list-footer";
import { LocalTime, TimeSuffix, useTimeZoneName } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { asOfForSelection, browseHref, ITEM_KIND_LABEL, isSearchable, itemDate, itemDisplayName, itemHref, restoreHref, searchInputOf, type SearchQuery } from "~/lib/catalogue";
import { formatBytes } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE = 50;
const CHECKBOX = "mt-0.5 size-4 shrink-0 rounded border-slate-300 text-brand-700 focus:ring-brand-600";

/** Which account an organisation-wide result comes from (one cached lookup per unit, shared by its rows). */
function AccountName({ orgId, unitId }: { orgId: string; unitId: string }) {
  const trpc = useTRPC();
  const unit = useQuery({ ...trpc.catalogue.unit.queryOptions({ orgId, id: unitId }), staleTime: 5 * 60_000 });
  if (!unit.data) return null;
  return (
    <span className="min-w-0 truncate font-medium text-slate-600" title={unit.data.displayName}>
      <span className="sr-only">Account </span>
      {unit.data.displayName}
    </span>
  );
}

function ResultRow({ orgId, v, checked, onToggle, showAccount }: { orgId: string; v: ItemVersion; checked: boolean; onToggle: (on: boolean) => void; showAccount: boolean }) {
  const name = itemDisplayName(v);
  const date = itemDate(v);
  return (
    <li className={checked ? "bg-brand-50/60" : "hover:bg-slate-50"}>
      <div className="flex items-start gap-3 px-4 py-3 sm:px-6">
        <input type="checkbox" className={CHECKBOX} checked={checked} onChange={(e) => onToggle(e.target.checked)} aria-label={`Select ${name}`} />
        <ItemIcon version={v} />
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2">
            <Link href={itemHref(orgId, v.itemId, v.id)} className="min-w-0 truncate text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
              {name}
            </Link>
            {v.itemDeletedAt ? <Badge tone="danger">Deleted</Badge> : null}
            {v.supersededAt && !v.itemDeletedAt ? <Badge tone="neutral">Older version</Badge> : null}
          </p>
          <p className="mt-0.5 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-500 sm:text-sm">
            {showAccount ? <AccountName orgId={orgId} unitId={v.unitId} /> : null}
            <Link href={browseHref(orgId, v.unitId, { path: v.parentPath, asOf: v.capturedAt })} className="min-w-0 truncate hover:text-brand-700 hover:underline" title={`Open ${v.parentPath} as it was then`}>
              <span className="sr-only">In folder </span>
              {v.parentPath}
            </Link>
            <span>{ITEM_KIND_LABEL[v.kind]}</span>
            <Sender v={v} />
            {date ? (
              <span>
                <span className="sr-only">Date </span>
                <LocalTime iso={date} />
              </span>
            ) : null}
            {v.size !== null && v.kind !== "folder" ? <span className="tabular-nums">{formatBytes(v.size)}</span> : null}
          </p>
          <p className="mt-0.5 text-xs text-slate-500">
            Captured <LocalTime iso={v.capturedAt} />
            {v.itemDeletedAt ? <TimeSuffix prefix=" · deleted at the source " iso={v.itemDeletedAt} /> : <TimeSuffix prefix=" · replaced " iso={v.supersededAt} />}
          </p>
        </div>
      </div>
    </li>
  );
}

const REFUSAL = {
  empty: "Select at least one result.",
  units: "The selected results come from different accounts. One restore covers one account: restore each account's results separately.",
  times: "The selected versions were never all current at the same moment, so no single point in time restores them as they are. Restore them separately.",
} as const;

export function SearchView({ orgId, query }: { orgId: string; query: SearchQuery }) {
  const trpc = useTRPC();
  const router = useRouter();
  const tz = useTimeZoneName();
  const [selected, setSelected] = useState<Map<string, ItemVersion>>(new Map());
  const [refusal, setRefusal] = useState<string | null>(null);
  const searchable = isSearchable(query);
  const unit = useQuery({ ...trpc.catalogue.unit.queryOptions({ orgId, id: query.unit ?? "" }), enabled: Boolean(query.unit) });
  const results = useInfiniteQuery({
    ...trpc.catalogue.search.infiniteQueryOptions({ orgId, ...searchInputOf(query, tz), limit: PAGE }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    enabled: searchable,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const selection = [...selected.values()];

  function go(mode: SelectionMode) {
    const rule = asOfForSelection(selection);
    if (!rule.ok) {
      setRefusal(REFUSAL[rule.reason]);
      return;
    }
    setRefusal(null);
    router.push(restoreHref(orgId, { unitId: rule.unitId, asOf: rule.asOf, items: [...new Set(selection.map((v) => v.itemId))], mode }));
  }

  return (
    <div className="space-y-4">
      <Card>
        <div className="px-4 py-4 sm:px-6">
          <SearchForm orgId={orgId} initial={query} withFilters unitName={unit.data?.displayName} />
        </div>
      </Card>

      {!searchable ? (
        <Card>
          <EmptyState icon="search" title="Search every backed-up version">
            Type words from a subject, file name or sender, or tick “Deleted items only”. Every word must match; the last one may be the beginning of a word.
          </EmptyState>
        </Card>
      ) : (
        <Card>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-100 px-4 py-3 sm:px-6">
            <p className="text-sm text-slate-600" aria-live="polite">
              {results.isPending ? "Searching…" : `${items.length}${results.hasNextPage ? "+" : ""} ${items.length === 1 ? "result" : "results"}`}
              {query.unit ? (
                <>
                  {" in "}
                  <span className="font-medium text-slate-800">{unit.data?.displayName ?? "one account"}</span>
                </>
              ) : (
                " across the organisation"
              )}
              {selection.length ? ` · ${selection.length} selected` : ""}
            </p>
            <SelectionActions count={selection.length} onGo={go} />
          </div>
          {refusal ? (
            <div className="px-4 pt-4 sm:px-6">
              <Alert tone="warning" title="These cannot be restored together">
                {refusal}
              </Alert>
            </div>
          ) : null}

          <QueryStates
            query={results}
            loading="Searching"
            rows={5}
            retry
            isEmpty={() => items.length === 0}
            empty={
              <EmptyState icon="search" title="No results — try fewer words or remove filters">
                Search looks at names, subjects, folders and senders of every version ever backed up{query.unit ? " in this account" : ""}.
              </EmptyState>
            }
          >
            {() => (
              <>
                <ul aria-label="Search results" className="divide-y divide-slate-100">
                  {items.map((v) => (
                    <ResultRow
                      key={v.id}
                      orgId={orgId}
                      v={v}
                      showAccount={!query.unit}
                      checked={selected.has(v.id)}
                      onToggle={(on) => {
                        setRefusal(null);
                        setSelected((prev) => {
                          const next = new Map(prev);
                          if (on) next.set(v.id, v);
                          else next.delete(v.id);
                          return next;
                        });
                      }}
                    />
                  ))}
                </ul>
                <LoadMoreFooter pager={results} summary={`Newest capture first${query.from || query.to ? " (newest item date first with a date range)" : ""}`} compact />
              </>
            )}
          </QueryStates>
        </Card>
      )}
    </div>
  );
}
