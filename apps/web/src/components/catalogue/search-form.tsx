"use client";
// The backup search box (role=search). On the browse pages it searches the unit being browsed;
// on the search page it also carries the filters. Submitting goes to the search page's URL, so a
// search can be bookmarked, shared and reloaded.
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { ItemKind } from "@holdfast/services";
import { cn } from "~/lib/cn";
import { ITEM_KIND_LABEL, ITEM_KINDS, searchHref, type SearchQuery } from "~/lib/catalogue";
import { Icon } from "../icons";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";

export function SearchForm({ orgId, initial, withFilters = false, unitName, className }: { orgId: string; initial: Partial<SearchQuery>; withFilters?: boolean; unitName?: string; className?: string }) {
  const router = useRouter();
  const id = useId();
  const [q, setQ] = useState(initial.q ?? "");
  const [kind, setKind] = useState<ItemKind | "">(initial.kind ?? "");
  const [folder, setFolder] = useState(initial.folder ?? "");
  const [from, setFrom] = useState(initial.from ?? "");
  const [to, setTo] = useState(initial.to ?? "");
  const [sender, setSender] = useState(initial.sender ?? "");
  const [deleted, setDeleted] = useState(initial.deleted ?? false);
  const [scoped, setScoped] = useState(Boolean(initial.unit));
  const rangeError = from && to && from > to ? "The end date is before the start date" : null;

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (rangeError) return;
    const unit = scoped ? initial.unit : undefined;
    router.push(
      searchHref(orgId, withFilters ? { ...(unit ? { unit } : {}), q, ...(kind ? { kind } : {}), folder, from, to, sender, deleted } : { ...(initial.unit ? { unit: initial.unit } : {}), q }),
    );
  }

  return (
    <form role="search" aria-label="Search backups" onSubmit={submit} className={cn("space-y-4", className)} action={`/o/${orgId}/search`} method="get">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="relative min-w-0 flex-1">
          <label htmlFor={`${id}-q`} className="sr-only">
            Search backups
          </label>
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <input
            id={`${id}-q`}
            name="q"
            type="text"
            enterKeyHint="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={unitName && (!withFilters || scoped) ? `Search ${unitName}'s backups: subject, file name, sender…` : "Search every backup: subject, file name, sender…"}
            className="block h-10 w-full rounded-lg border-0 bg-white pr-3 pl-9 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset"
            autoComplete="off"
          />
          {initial.unit ? <input type="hidden" name="unit" value={initial.unit} /> : null}
        </div>
        <Button type="submit" variant={withFilters ? "primary" : "secondary"}>
          Search
        </Button>
      </div>

      {withFilters ? (
        <fieldset className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <legend className="sr-only">Filters</legend>
          <SelectField label="Type" name="kind" value={kind} onChange={(e) => setKind(e.target.value as ItemKind | "")}>
            <option value="">Any type</option>
            {ITEM_KINDS.map((k) => (
              <option key={k} value={k}>
                {ITEM_KIND_LABEL[k]}
              </option>
            ))}
          </SelectField>
          <TextField label="In folder" name="folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/Inbox or /Projects/2026" hint="Includes its sub-folders" />
          <TextField label="Sender or owner" name="sender" value={sender} onChange={(e) => setSender(e.target.value)} placeholder="alice@example.com or alice" autoComplete="off" />
          <TextField label="From date" name="from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} max={to || undefined} hint="The item's own date (sent, modified)" />
          <TextField label="To date" name="to" type="date" value={to} onChange={(e) => setTo(e.target.value)} min={from || undefined} error={rangeError} />
          <div className="flex flex-col justify-center gap-3 pt-1 sm:pt-6">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="deleted" value="1" checked={deleted} onChange={(e) => setDeleted(e.target.checked)} className="size-4 rounded border-slate-300 text-brand-700 focus:ring-brand-600" />
              Deleted items only
            </label>
            {initial.unit ? (
              <label className="flex items-center gap-2 text-sm text-slate-800">
                <input type="checkbox" checked={scoped} onChange={(e) => setScoped(e.target.checked)} className="size-4 rounded border-slate-300 text-brand-700 focus:ring-brand-600" />
                Only in {unitName ?? "this account"}
              </label>
            ) : null}
          </div>
        </fieldset>
      ) : null}
    </form>
  );
}
