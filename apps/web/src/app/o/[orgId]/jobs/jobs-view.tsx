"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import type { JobKind, JobListItem } from "@holdfast/services";
import { JobProgressBar } from "~/components/jobs/job-progress";
import { unitName, useUnitDirectory, type UnitDirectory } from "~/components/jobs/use-unit-directory";
import { Icon, type IconName } from "~/components/icons";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { SelectField } from "~/components/ui/field";
import { FilterBar } from "~/components/ui/filter-bar";
import { LoadMoreFooter, showing } from "~/components/ui/list-footer";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { isActive, JOB_KIND_LABEL, jobStatus, jobTitle } from "~/lib/jobs";
import { formatBytes, formatCount } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE_SIZE = 25;
const KIND_ICON: Record<JobKind, IconName> = { backup: "cloud", restore: "restore", export: "download" };

function subjectOf(job: JobListItem, dir: UnitDirectory | undefined): string | null {
  if (job.kind === "backup") return dir?.source(job.sourceId)?.displayName ?? null;
  const unit = dir?.unit(job.unitId);
  return unit ? unitName(unit) : null;
}

function JobRow({ orgId, job, dir, now }: { orgId: string; job: JobListItem; dir: UnitDirectory | undefined; now: number }) {
  const status = jobStatus(job.status);
  const title = jobTitle(job.kind, subjectOf(job, dir));
  const live = isActive(job.status);
  const { itemsDone, itemsTotal, bytesDone } = job.progress;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-4 sm:px-6">
      <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-brand-50 text-brand-700" aria-hidden="true">
        <Icon name={KIND_ICON[job.kind]} className="size-5" />
      </span>
      <div className="min-w-0 flex-1 basis-56">
        <Link href={`/o/${orgId}/jobs/${job.id}`} className="block truncate text-sm font-medium text-slate-900 underline-offset-2 hover:text-brand-700 hover:underline">
          {title}
        </Link>
        <p className="mt-0.5 text-sm text-slate-500">
          <LocalTime iso={job.startedAt} />
          {` · ${formatCount(itemsDone)}${itemsTotal !== undefined ? ` of ${formatCount(itemsTotal)}` : ""} items`}
          {bytesDone > 0 ? ` · ${formatBytes(bytesDone)}` : ""}
          {job.warningCount > 0 ? ` · ${formatCount(job.warningCount)} ${job.kind === "backup" ? "not captured" : "skipped or failed"}` : ""}
        </p>
        {live ? (
          <div className="mt-2 max-w-md">
            <JobProgressBar job={job} label={`${title} progress`} now={now} size="sm" />
          </div>
        ) : null}
      </div>
      <Badge tone={status.tone}>{status.label}</Badge>
    </li>
  );
}

export function JobsView({ orgId, initialKind }: { orgId: string; initialKind: JobKind | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [kind, setKind] = useState<JobKind | null>(initialKind);
  const dir = useUnitDirectory(orgId);
  const jobs = useInfiniteQuery({
    ...trpc.catalogue.jobs.list.infiniteQueryOptions({ orgId, limit: PAGE_SIZE, ...(kind ? { kind } : {}) }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    // Live while anything shown is still going; the whole list is re-read so new jobs appear too.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((j) => isActive(j.status))) ? 3_000 : false),
  });
  const items = jobs.data?.pages.flatMap((p) => p.items) ?? [];

  function chooseKind(value: string) {
    const next = value === "backup" || value === "restore" || value === "export" ? value : null;
    setKind(next);
    router.replace(next ? `${pathname}?kind=${next}` : pathname, { scroll: false });
  }

  return (
    <Card>
      <FilterBar>
        <SelectField label="Kind" name="kind" value={kind ?? ""} onChange={(e) => chooseKind(e.target.value)} className="w-full sm:w-60">
          <option value="">All jobs</option>
          {(["backup", "restore", "export"] as const).map((k) => (
            <option key={k} value={k}>
              {JOB_KIND_LABEL[k]}s
            </option>
          ))}
        </SelectField>
      </FilterBar>
      <QueryStates
        query={jobs}
        loading="Loading jobs"
        rows={5}
        retry
        isEmpty={() => items.length === 0}
        empty={
          <EmptyState icon="activity" title={kind ? `No ${JOB_KIND_LABEL[kind].toLowerCase()}s yet` : "No jobs yet"}>
            {kind === "backup" || !kind ? "Backups run on each source's schedule, or when someone starts one from the source's page. " : ""}
            {kind !== "backup" ? "Restores and exports start from Browse & restore." : ""}
          </EmptyState>
        }
      >
        {() => (
          <>
            <ul aria-label="Jobs" className="divide-y divide-slate-100">
              {items.map((j) => (
                <JobRow key={j.id} orgId={orgId} job={j} dir={dir.data} now={jobs.dataUpdatedAt} />
              ))}
            </ul>
            <LoadMoreFooter pager={jobs} summary={showing(items.length, "job", "jobs")} end="That is every job" announce />
          </>
        )}
      </QueryStates>
    </Card>
  );
}
