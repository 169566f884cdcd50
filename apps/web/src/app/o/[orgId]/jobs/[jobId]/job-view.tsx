"use client";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";
import type { Job } from "@holdfast/services";
import { JobProgress } from "~/components/jobs/job-progress";
import { unitName, useUnitDirectory, type UnitDirectory } from "~/components/jobs/use-unit-directory";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, buttonClasses, ButtonLink } from "~/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { ListSkeleton, Skeleton } from "~/components/ui/spinner";
import { errorMessage, isNotFound } from "~/lib/errors";
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

function Counts({ counts }: { counts: { outcome: ItemOutcome; n: number }[] }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3 xl:grid-cols-6" aria-label="Items per outcome">
      {counts.map((c) => (
        <div key={c.outcome}>
          <dt className="text-sm text-slate-500">{OUTCOME[c.outcome].label}</dt>
          <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums" data-testid={`count-${c.outcome}`}>
            {formatCount(c.n)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface ItemRow {
  key: string;
  path: string;
  outcome: ItemOutcome;
  reason: string | null;
  note?: string | null;
}

function ItemsList({ rows, pending, error, onRetry, hasMore, loadingMore, onMore, live }: { rows: ItemRow[]; pending: boolean; error: unknown; onRetry: () => void; hasMore: boolean; loadingMore: boolean; onMore: () => void; live: boolean }) {
  return (
    <Card aria-labelledby="items-heading">
      <CardHeader id="items-heading" title="Items" description="Each item and what happened to it, in path order." />
      {pending ? (
        <ListSkeleton rows={3} label="Loading the items" />
      ) : error ? (
        <div className="p-4 sm:p-6">
          <Alert tone="danger" actions={<Button size="sm" variant="secondary" onClick={onRetry}>Try again</Button>}>
            {errorMessage(error)}
          </Alert>
        </div>
      ) : rows.length === 0 ? (
        <EmptyState icon="document" title={live ? "No items yet" : "No items"}>
          {live ? "Items appear here as they are dealt with." : "This job had nothing to do: the selection was empty at that point in time."}
        </EmptyState>
      ) : (
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
          <div className="flex flex-wrap items-center justify-between gap-4 border-t border-slate-100 px-4 py-4 sm:px-6">
            <p className="text-sm text-slate-500" aria-live="polite">
              Showing {formatCount(rows.length)} {rows.length === 1 ? "item" : "items"}
            </p>
            {hasMore ? (
              <Button variant="secondary" onClick={onMore} loading={loadingMore}>
                Load more
              </Button>
            ) : null}
          </div>
        </>
      )}
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
  const r = restore.data;
  const source = dir?.unit(r?.unitId);
  const target = dir?.unit(r?.targetUnitId);
  const intoOther = r ? r.targetUnitId !== r.unitId : false;
  const rows: ItemRow[] = (items.data?.pages.flatMap((p) => p.items) ?? []).map((i) => ({
    key: i.id,
    path: i.path ?? i.externalId ?? "(no path)",
    outcome: i.outcome,
    reason: i.reason,
    note: i.outcome === "copied" && r ? `copy written to "${r.copyFolder}"` : null,
  }));
  return (
    <>
      <Card aria-labelledby="restore-heading">
        <CardHeader id="restore-heading" title="What was asked" />
        <CardBody className="space-y-6">
          {restore.isPending ? (
            <Skeleton className="h-10 w-full" />
          ) : restore.isError ? (
            <Alert tone="danger">{errorMessage(restore.error)}</Alert>
          ) : r ? (
            <>
              <dl className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-2 xl:grid-cols-4">
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
              </dl>
              <Counts
                counts={[
                  { outcome: "created", n: r.counts.created },
                  { outcome: "replaced", n: r.counts.replaced },
                  { outcome: "copied", n: r.counts.copied },
                  { outcome: "skipped", n: r.counts.skipped },
                  { outcome: "failed", n: r.counts.failed },
                ]}
              />
            </>
          ) : null}
        </CardBody>
      </Card>
      <ItemsList
        rows={rows}
        pending={items.isPending}
        error={items.isError ? items.error : null}
        onRetry={() => void items.refetch()}
        hasMore={items.hasNextPage}
        loadingMore={items.isFetchingNextPage}
        onMore={() => void items.fetchNextPage()}
        live={live}
      />
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
  const e = exp.data;
  const rows: ItemRow[] = (items.data?.pages.flat() ?? []).map((i, n) => ({ key: `${n}`, path: i.path ?? i.externalId ?? "(no path)", outcome: i.outcome, reason: i.reason }));
  const ready = !!e?.downloadUrl && !e.expired;
  return (
    <>
      <Card aria-labelledby="export-heading">
        <CardHeader
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
        />
        <CardBody className="space-y-6">
          {exp.isPending ? (
            <Skeleton className="h-10 w-full" />
          ) : exp.isError ? (
            <Alert tone="danger">{errorMessage(exp.error)}</Alert>
          ) : e ? (
            <>
              <dl className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-2 xl:grid-cols-4">
                <Fact label="Format">{EXPORT_FORMAT_LABEL[e.format]}</Fact>
                <Fact label="As it was on">
                  <LocalTime iso={e.asOf} seconds />
                </Fact>
                <Fact label="File">{e.fileName ? `${e.fileName}${e.bytes !== null ? ` (${formatBytes(e.bytes)})` : ""}` : live ? "Being written" : "None"}</Fact>
                <Fact label={e.expired ? "Expired" : "Available until"}>{e.expiresAt ? <LocalTime iso={e.expiresAt} /> : "—"}</Fact>
              </dl>
              {ready && !canDownload ? <p className="text-sm text-slate-600">Operators, admins and owners can download the archive; your role can see the job only.</p> : null}
              {e.expired ? <Alert tone="warning">This export has expired and its archive was deleted. Start a new export to get the items again.</Alert> : null}
              <Counts
                counts={[
                  { outcome: "exported", n: e.counts.exported },
                  { outcome: "failed", n: e.counts.failed },
                ]}
              />
            </>
          ) : null}
        </CardBody>
      </Card>
      <ItemsList
        rows={rows}
        pending={items.isPending}
        error={items.isError ? items.error : null}
        onRetry={() => void items.refetch()}
        hasMore={items.hasNextPage}
        loadingMore={items.isFetchingNextPage}
        onMore={() => void items.fetchNextPage()}
        live={live}
      />
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

  if (job.isPending) {
    return (
      <div className="space-y-6" role="status" aria-label="Loading the job">
        <Skeleton className="h-9 w-64" />
        <Card>
          <ListSkeleton rows={3} label="Loading the job" />
        </Card>
      </div>
    );
  }
  if (job.isError) {
    return isNotFound(job.error) ? (
      <Card>
        <EmptyState icon="activity" title="This job does not exist" actions={<ButtonLink href={`/o/${orgId}/jobs`} variant="secondary">All jobs</ButtonLink>}>
          It may belong to another organisation, or the link is mistyped.
        </EmptyState>
      </Card>
    ) : (
      <Alert tone="danger" actions={<Button size="sm" variant="secondary" onClick={() => void job.refetch()}>Try again</Button>}>
        {errorMessage(job.error)}
      </Alert>
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
                  Started <LocalTime iso={j.startedAt} />
                  {j.finishedAt ? (
                    <>
                      {" · finished "}
                      <LocalTime iso={j.finishedAt} />
                    </>
                  ) : null}
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
