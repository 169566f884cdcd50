"use client";
// "Choose a point in time": a month calendar of a unit's committed snapshots (restore points) in
// the viewer's time zone. Days with a backup are buttons; choosing one lists that day's backups.
// Snapshots arrive newest first, a page at a time; older pages load as the viewer goes back.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { cn } from "~/lib/cn";
import { dayKey, dayLabel, groupByDay, monthGrid, monthLabel, monthOf, shiftMonth, snapshotLabels, zonedDayStart, type MonthRef } from "~/lib/catalogue";
import { useTRPC } from "~/trpc/react";
import { Icon } from "../icons";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { LocalTime, useTimeZoneName } from "../ui/local-time";
import { RetryAlert } from "../ui/retry-alert";
import { Spinner } from "../ui/spinner";
import { useModalDialog } from "../ui/use-modal-dialog";

const PAGE = 200;
const WEEKDAYS = [
  ["Mon", "Monday"],
  ["Tue", "Tuesday"],
  ["Wed", "Wednesday"],
  ["Thu", "Thursday"],
  ["Fri", "Friday"],
  ["Sat", "Saturday"],
  ["Sun", "Sunday"],
] as const;

const monthIndex = (m: MonthRef) => m.year * 12 + m.month;

export function PointInTimeDialog({
  orgId,
  unitId,
  open,
  asOf,
  onChoose,
  onLatest,
  onClose,
}: {
  orgId: string;
  unitId: string;
  open: boolean;
  /** The point in time being shown (undefined: latest). */
  asOf?: string;
  onChoose: (committedAt: string) => void;
  onLatest: () => void;
  onClose: () => void;
}) {
  const ref = useModalDialog(open);
  const titleId = useId();
  const monthId = useId();

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-1rem)] max-w-md overflow-y-auto rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
    >
      {open ? (
        <div className="p-4 sm:p-6">
          <div className="flex items-start justify-between gap-3">
            <h2 id={titleId} className="text-lg font-semibold text-slate-900">
              Choose a point in time
            </h2>
            <button type="button" onClick={onClose} className="-m-1 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-700" aria-label="Close">
              <Icon name="close" className="size-5" />
            </button>
          </div>
          <p className="mt-1 text-sm text-slate-600">Days with a completed backup can be chosen. Times are in your time zone.</p>
          <Calendar orgId={orgId} unitId={unitId} asOf={asOf} monthId={monthId} onChoose={onChoose} />
          <div className="mt-5 flex flex-col-reverse gap-2 border-t border-slate-100 pt-4 sm:flex-row sm:justify-between">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="ghost" onClick={onLatest} disabled={!asOf}>
              <Icon name="refresh" className="size-4" />
              Show the latest backup
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}

function Calendar({ orgId, unitId, asOf, monthId, onChoose }: { orgId: string; unitId: string; asOf?: string; monthId: string; onChoose: (iso: string) => void }) {
  const trpc = useTRPC();
  const tz = useTimeZoneName();
  const snapshots = useInfiniteQuery(trpc.catalogue.snapshots.infiniteQueryOptions({ orgId, unitId, limit: PAGE }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const times = useMemo(() => (snapshots.data?.pages ?? []).flatMap((p) => p.items.flatMap((s) => (s.committedAt ? [s.committedAt] : []))), [snapshots.data]);
  const byDay = useMemo(() => groupByDay(times, tz), [times, tz]);
  const newest = times[0];
  const oldest = times.at(-1);

  const [month, setMonth] = useState<MonthRef | null>(asOf ? monthOf(asOf, tz) : null);
  const [day, setDay] = useState<string | null>(asOf ? dayKey(asOf, tz) : null);
  const shown = month ?? (newest ? monthOf(newest, tz) : monthOf(new Date().toISOString(), tz));

  // Going back past the oldest loaded backup loads the next (older) page.
  const monthStart = zonedDayStart(`${shown.year}-${String(shown.month).padStart(2, "0")}-01`, tz);
  const needOlder = snapshots.hasNextPage && !snapshots.isFetchingNextPage && (!oldest || oldest >= monthStart);
  const { fetchNextPage } = snapshots;
  useEffect(() => {
    if (needOlder) void fetchNextPage();
  }, [needOlder, fetchNextPage]);

  if (snapshots.isPending) {
    return (
      <div className="flex items-center gap-2 py-10 text-sm text-slate-500" role="status">
        <Spinner className="size-4" /> Loading backups…
      </div>
    );
  }
  if (snapshots.isError) {
    return (
      <RetryAlert error={snapshots.error} onRetry={() => void snapshots.refetch()} className="mt-4" />
    );
  }
  if (times.length === 0) {
    return (
      <Alert tone="info" className="mt-4">
        This account has no completed backup yet, so there is no earlier point in time to choose.
      </Alert>
    );
  }

  const canGoBack = snapshots.hasNextPage || (oldest !== undefined && monthIndex(monthOf(oldest, tz)) < monthIndex(shown));
  const canGoForward = newest !== undefined && monthIndex(monthOf(newest, tz)) > monthIndex(shown);
  const dayTimes = day ? (byDay.get(day) ?? []) : [];

  return (
    <div className="mt-4">
      <div className="flex items-center justify-between gap-2">
        <Button variant="ghost" size="sm" onClick={() => setMonth(shiftMonth(shown, -1))} disabled={!canGoBack} aria-label="Previous month">
          <Icon name="chevronLeft" className="size-4" />
        </Button>
        <p id={monthId} className="text-sm font-semibold text-slate-900" aria-live="polite">
          {monthLabel(shown)}
          {snapshots.isFetchingNextPage ? <Spinner className="ml-2 size-3.5" label="Loading older backups" /> : null}
        </p>
        <Button variant="ghost" size="sm" onClick={() => setMonth(shiftMonth(shown, 1))} disabled={!canGoForward} aria-label="Next month">
          <Icon name="chevronRight" className="size-4" />
        </Button>
      </div>
      <table className="mt-2 w-full table-fixed border-collapse text-center text-sm" aria-labelledby={monthId}>
        <thead>
          <tr>
            {WEEKDAYS.map(([short, long]) => (
              <th key={short} scope="col" className="py-1 text-xs font-medium text-slate-500">
                <abbr title={long} className="no-underline">
                  {short}
                </abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(shown).map((week) => (
            <tr key={week[0]?.key}>
              {week.map((d) => {
                const has = d.inMonth && byDay.has(d.key);
                const selected = d.key === day;
                return (
                  <td key={d.key} className="p-0.5">
                    {d.inMonth ? (
                      <button
                        type="button"
                        disabled={!has}
                        aria-label={dayLabel(d.key)}
                        aria-pressed={has ? selected : undefined}
                        onClick={() => setDay(d.key)}
                        className={cn(
                          "relative mx-auto flex size-9 items-center justify-center rounded-full text-sm tabular-nums sm:size-10",
                          has ? "font-semibold text-brand-800 hover:bg-brand-50" : "cursor-default text-slate-300",
                          selected && "bg-brand-700 text-white hover:bg-brand-800",
                        )}
                      >
                        {d.day}
                        {has && !selected ? <span aria-hidden="true" className="absolute bottom-1 size-1 rounded-full bg-brand-600" /> : null}
                      </button>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>

      {day ? (
        <section aria-label={`Backups on ${dayLabel(day)}`} className="mt-4 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200 ring-inset">
          <h3 className="text-sm font-medium text-slate-800">{dayLabel(day)}</h3>
          {dayTimes.length === 0 ? (
            <p className="mt-1 text-sm text-slate-500">No backup completed on this day.</p>
          ) : (
            <ul className="mt-2 flex flex-wrap gap-2">
              {snapshotLabels(dayTimes, tz).map(({ iso, label }) => (
                <li key={iso}>
                  <Button variant={asOf && Date.parse(asOf) === Date.parse(iso) ? "primary" : "secondary"} size="sm" onClick={() => onChoose(iso)}>
                    <Icon name="clock" className="size-4" />
                    {label}
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : (
        <p className="mt-3 text-sm text-slate-500">
          Latest backup: <LocalTime iso={newest ?? ""} />
        </p>
      )}
    </div>
  );
}
