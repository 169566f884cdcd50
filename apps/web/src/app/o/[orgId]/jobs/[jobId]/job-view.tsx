"use client";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";
import type { Job } from "@holdfast/services";
import { JobProgress } from "~/components/jobs/job-progress";
import { RunTimes } from "~/components/jobs/run-times";
import { unitName, useUnitDirectory, type UnitDirectory } from "~/components/jobs/use-unit-directory";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { buttonClasses, ButtonLink } from "~/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LoadMoreFooter, showing, type Pager } from "~/components/ui/list-footer";
import { LoadFailed } from "~/components/ui/load-failed";
import { LocalTime } from "~/components/ui/local-time";
import { PageSkeleton } from "~/components/ui/page-skeleton";
import { QueryStates, type QueryState } from "~/components/ui/query-states";
import { Skeleton } from "~/components/ui/spinner";
import { errorMessage } from "~/lib/errors";
import { EXPORT_FORMAT_LABEL, isActive, jobStatus, jobTitle, OUTCOME, type ItemOutcome } from "~/lib/jobs";
import { formatBytes, formatCount } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const PAGE = 100;
const POLL_MS = 1_500;
const poll = (job: Job | undefined) => (job && !isActive(job.status) ? false : POLL_MS);

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1 text-sm font-medium break-words text-slate-900">{children}</dd>
    </div>
  );
}

/** The job's count for each of `outcomes`, in that order. */
function Counts<O extends ItemOutcome>({ counts, outcomes }: { counts: Record<O, number>; outcomes: readonly O[] }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3 xl:grid-cols-6" aria-label="Items per outcome">
      {outcomes.map((outcome) => (
        <div key={outcome}>
          <dt className="text-sm text-slate-500">{OUTCOME[outcome].label}</dt>
          <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums" data-testid={`count-${outcome}`}>
            {formatCount(counts[outcome])}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A restore's or an export's own record, once read: what was asked and the counts so far. */
function SummaryCard<T>({ id, title, actions, query, children }: { id: string; title: string; actions?: ReactNode; query: Omit<QueryState<T>, "refetch">; children: (data: T) => ReactNode }) {
  return (
    <Card aria-labelledby={id}>
      <CardHeader id={id} title={title} actions={actions} />
      <CardBody className="space-y-6">
        {query.isPending ? <Skeleton className="h-10 w-full" /> : query.isError ? <Alert tone="danger">{errorMessage(query.error)}</Alert> : query.data ? children(query.data) : null}
      </CardBody>
    </Card>
  );
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-2 xl:grid-cols-4">{children}</dl>;
}

const pathOf = (i: { path?: string | null; externalId?: string | null }) => i.path ?? i.externalId ?? "(no path)";

interface ItemRow {
  key: string;
  path: string;
  outcome: ItemOutcome;
  reason: string | null;
  note?: string | null;
}

/** A restore's or an export's items, read a page at a time (`items` is that infinite query). */
function ItemsList({ rows, items, live }: { rows: ItemRow[]; items: QueryState<unknown> & Pager; live: boolean }) {
  return (
    <Card aria-labelledby="items-heading">
      <CardHeader id="items-heading" title="Items" description="Each item and what happened to it, in path order." />
      <QueryStates
        query={items}
        loading="Loading the items"
        retry
        isEmpty={() => rows.length === 0}
        empty={
          <EmptyState icon="document" title={live ? "No items yet" : "No items"}>
            {live ? "Items appear here as they are dealt with." : "This job had nothing to do: the selection was empty at that point in time."}
          </EmptyState>
        }
      >
        {() => (
          <>
            <ul aria-label="Items" className="divide-y divide-slate-100">
              {rows.map((r) => (
                <li key={r.key} className="flex flex-wrap items-start gap-x-4 gap-y-1 px-4 py-3 sm:px-6">
                  <span className="min-w-0 flex-1 basis-60 text-sm break-all text-slate-900">{r.path}</span>
                  <Badge tone={OUTCOME[r.outcome].tone}>{OUTCOME[r.outcome].label}</Badge>
                  {r.reason || r.note ? (
                    <span className="w-full text-sm break-words text-slate-500">
                      {r.reason}
                      {r.reason && r.note ? " · " : ""}
                      {r.note}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
            <LoadMoreFooter pager={items} summary={showing(rows.length, "item", "items")} announce />
          </>
        )}
      </QueryStates>
    </Card>
  );
}

function RestoreDetails({ orgId, job, dir }: { orgId: string; job: Job; dir: UnitDirectory | undefined }) {
  const trpc = useTRPC();
  const live = isActive(job.status);
  const restore = useQuery({ ...trpc.catalogue.restores.get.queryOptions({ orgId, id: job.id }), refetchInterval: live ? POLL_MS : false });
  const items = useInfiniteQuery({
    ...trpc.catalogue.restores.items.infiniteQueryOptions({ orgId, id: job.id, limit: PAGE }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    refetchInterval: live ? POLL_MS * 2 : false,
  });
  const asked = restore.data;
  const source = dir?.unit(asked?.unitId);
  const target = dir?.unit(asked?.targetUnitId);
  const intoOther = asked ? asked.targetUnitId !== asked.unitId : false;
  const rows: ItemRow[] = (items.data?.pages.flatMap((p) => p.items) ?? []).map((i) => ({
    key: i.id,
    path: pathOf(i),
    outcome: i.outcome,
    reason: i.reason,
    note: i.outcome === "copied" && asked ? `copy written to "${asked.copyFolder}"` : null,
  }));
  return (
    <>
      <SummaryCard id="restore-heading" title="What was asked" query={restore}>
        {(r) => (
          <>
            <Facts>
              <Fact label="As it was on">
                <LocalTime iso={r.asOf} seconds />
              </Fact>
              <Fact label="Restored into">{intoOther ? (target ? unitName(target) : "Another account") : "The original location"}</Fact>
              <Fact label="If an item already existed">{r.conflict === "skip" ? "Skip it" : r.conflict === "copy" ? "Keep both" : "Replace it"}</Fact>
              {r.conflict === "copy" || intoOther ? (
                <Fact label="Copies written to">
                  The folder &ldquo;{r.copyFolder}&rdquo;{intoOther && target ? ` in ${unitName(target)}` : source ? ` in ${unitName(source)}` : ""}
                </Fact>
              ) : null}
            </Facts>
            <Counts counts={r.counts} outcomes={["created", "replaced", "copied", "skipped", "failed"]} />
          </>
        )}
      </SummaryCard>
      <ItemsList rows={rows} items={items} live={live} />
    </>
  );
}

function ExportDetails({ orgId, job, canDownload }: { orgId: string; job: Job; canDownload: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const live = isActive(job.status);
  const exp = useQuery({ ...trpc.exports.get.queryOptions({ orgId, id: job.id }), refetchInterval: live ? POLL_MS : false });
  const items = useInfiniteQuery({
    queryKey: [...trpc.exports.items.queryKey({ orgId, id: job.id }), "pages"],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => qc.fetchQuery({ ...trpc.exports.items.queryOptions({ orgId, id: job.id, limit: PAGE, offset: pageParam }), staleTime: 0 }),
    getNextPageParam: (last, all) => (last.length === PAGE ? all.length * PAGE : undefined),
    refetchInterval: live ? POLL_MS * 2 : false,
  });
  const archive = exp.data;
  const rows: ItemRow[] = (items.data?.pages.flat() ?? []).map((i, n) => ({ key: `${n}`, path: pathOf(i), outcome: i.outcome, reason: i.reason }));
  const ready = !!archive?.downloadUrl && !archive.expired;
  return (
    <>
      <SummaryCard
        id="export-heading"
        title="The archive"
        actions={
          ready && canDownload ? (
            // A plain link: the archive is a file from a route handler, not a page to route to.
            <a href={`/o/${orgId}/exports/${job.id}/download`} className={buttonClasses("primary", "md")} download>
              <Icon name="download" className="size-4" />
              Download
            </a>
          ) : null
        }
        query={exp}
      >
        {(e) => (
          <>
            <Facts>
              <Fact label="Format">{EXPORT_FORMAT_LABEL[e.format]}</Fact>
              <Fact label="As it was on">
                <LocalTime iso={e.asOf} seconds />
              </Fact>
              <Fact label="File">{e.fileName ? `${e.fileName}${e.bytes !== null ? ` (${formatBytes(e.bytes)})` : ""}` : live ? "Being written" : "None"}</Fact>
              <Fact label={e.expired ? "Expired" : "Available until"}>{e.expiresAt ? <LocalTime iso={e.expiresAt} /> : "—"}</Fact>
            </Facts>
            {ready && !canDownload ? <p className="text-sm text-slate-600">Operators, admins and owners can download the archive; your role can see the job only.</p> : null}
            {e.expired ? <Alert tone="warning">This export has expired and its archive was deleted. Start a new export to get the items again.</Alert> : null}
            <Counts counts={e.counts} outcomes={["exported", "failed"]} />
          </>
        )}
      </SummaryCard>
      <ItemsList rows={rows} items={items} live={live} />
    </>
  );
}

function BackupDetails({ orgId, job }: { orgId: string; job: Job }) {
  return (
    <Card aria-labelledby="warnings-heading">
      <CardHeader
        id="warnings-heading"
        title="Items not backed up"
        description={job.warningCount > job.warnings.length ? `The first ${formatCount(job.warnings.length)} of ${formatCount(job.warningCount)}` : undefined}
        actions={
          <ButtonLink href={`/o/${orgId}/sources/${job.sourceId}`} variant="secondary" size="sm">
            View the source
          </ButtonLink>
        }
      />
      {job.warnings.length === 0 ? (
        <EmptyState icon="checkCircle" title="Nothing missed">
          {isActive(job.status) ? "Items that cannot be backed up are listed here as they are found." : "Every item this backup found was captured."}
        </EmptyState>
      ) : (
        <ul aria-label="Items not backed up" className="divide-y divide-slate-100">
          {job.warnings.map((w, i) => (
            <li key={i} className="flex flex-wrap items-start gap-x-4 gap-y-1 px-4 py-3 sm:px-6">
              <span className="min-w-0 flex-1 basis-60 text-sm break-all text-slate-900">{w.path ?? w.itemRef ?? "—"}</span>
              <Badge tone="warning">{w.code.replace(/_/g, " ")}</Badge>
              <span className="w-full text-sm break-words text-slate-500">{w.message}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function JobView({ orgId, jobId, canDownload }: { orgId: string; jobId: string; canDownload: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const job = useQuery({ ...trpc.catalogue.jobs.get.queryOptions({ orgId, id: jobId }), refetchInterval: (q) => poll(q.state.data) });
  const dir = useUnitDirectory(orgId);
  // When it finishes, read its details once more: their polling stops with it and may have missed the end.
  const active = job.data ? isActive(job.data.status) : null;
  const wasActive = useRef<boolean | null>(null);
  useEffect(() => {
    if (active === null) return;
    if (wasActive.current === true && !active) {
      for (const key of [trpc.catalogue.restores.pathKey(), trpc.exports.pathKey()]) void qc.invalidateQueries({ queryKey: key });
    }
    wasActive.current = active;
  }, [active, qc, trpc]);

  if (job.isPending) return <PageSkeleton label="Loading the job" />;
  if (job.isError) {
    return (
      <LoadFailed
        error={job.error}
        onRetry={() => void job.refetch()}
        notFound={
          <EmptyState icon="activity" title="This job does not exist" actions={<ButtonLink href={`/o/${orgId}/jobs`} variant="secondary">All jobs</ButtonLink>}>
            It may belong to another organisation, or the link is mistyped.
          </EmptyState>
        }
      />
    );
  }

  const j = job.data;
  const status = jobStatus(j.status);
  const unit = dir.data?.unit(j.unitId);
  const source = dir.data?.source(j.sourceId);
  const subject = j.kind === "backup" ? source?.displayName : unit ? unitName(unit) : null;
  return (
    <div className="space-y-8">
      <div>
        <Link href={`/o/${orgId}/jobs`} className="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">
          ← Jobs
        </Link>
        <div className="mt-3">
          <PageHeader
            title={jobTitle(j.kind, subject)}
            description={
              <span className="flex flex-wrap items-center gap-2">
                <span data-testid="job-status">
                  <Badge tone={status.tone}>{status.label}</Badge>
                </span>
                <span>
                  <RunTimes startedAt={j.startedAt} finishedAt={j.finishedAt} />
                </span>
              </span>
            }
          />
        </div>
      </div>

      {j.status === "failed" && j.summary ? <Alert tone="danger" title="The job failed">{j.summary}</Alert> : null}

      <Card aria-labelledby="progress-heading">
        <CardHeader id="progress-heading" title="Progress" />
        <CardBody>
          <JobProgress job={j} now={job.dataUpdatedAt} label={`${jobTitle(j.kind, subject)} progress`} />
        </CardBody>
      </Card>

      {j.kind === "restore" ? <RestoreDetails orgId={orgId} job={j} dir={dir.data} /> : j.kind === "export" ? <ExportDetails orgId={orgId} job={j} canDownload={canDownload} /> : <BackupDetails orgId={orgId} job={j} />}
    </div>
  );
}
