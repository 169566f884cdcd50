"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { RunTimes } from "~/components/jobs/run-times";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Skeleton } from "~/components/ui/spinner";
import { cn } from "~/lib/cn";
import { errorMessage } from "~/lib/errors";
import { formatBytes, formatCount, formatDuration, isRunning, runRates, runStatus } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/**
 * A backup job as the server reports it, polled while it runs: a reload or another tab shows the
 * same, because nothing here is kept in the browser. The bar is determinate only when the job
 * knows its total; otherwise it says so rather than inventing a percentage.
 */
export function BackupProgress({ orgId, jobId, first, onFinished }: { orgId: string; jobId: string; first: boolean; onFinished: () => void }) {
  const trpc = useTRPC();
  const job = useQuery({
    ...trpc.catalogue.jobs.get.queryOptions({ orgId, id: jobId }),
    refetchInterval: (q) => (q.state.data && !isRunning(q.state.data.status) ? false : 1_500),
  });
  const wasRunning = useRef<boolean | null>(null);
  const running = job.data ? isRunning(job.data.status) : null;
  useEffect(() => {
    if (running === null) return;
    if (wasRunning.current === true && !running) onFinished();
    wasRunning.current = running;
  }, [running, onFinished]);

  if (job.isPending) {
    return (
      <Card>
        <CardBody className="space-y-3">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-2.5 w-full" />
        </CardBody>
      </Card>
    );
  }
  if (job.isError) return <Alert tone="danger">The backup&apos;s progress could not be read: {errorMessage(job.error)}</Alert>;

  const j = job.data;
  const status = runStatus(j.status);
  const live = isRunning(j.status);
  const rates = runRates(j, job.dataUpdatedAt);
  const percent = rates.fraction !== null ? Math.round(rates.fraction * 100) : null;
  const title = live ? (first ? "First backup in progress" : "Backup in progress") : first && j.status !== "completed" && j.status !== "completed_with_warnings" ? "First backup" : "Last backup";
  return (
    <Card aria-labelledby="backup-heading">
      <CardHeader
        id="backup-heading"
        title={title}
        description={
<RunTimes startedAt={j.startedAt} finishedAt={j.finishedAt} />
        }
        actions={
          <span data-testid="backup-status">
            <Badge tone={status.tone}>{status.label}</Badge>
          </span>
        }
      />
      <CardBody className="space-y-5">
        <div>
          <div
            role="progressbar"
            aria-label="Backup progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={live ? (percent ?? undefined) : 100}
            aria-valuetext={live ? (percent !== null ? `${percent}%` : `${formatCount(j.progress.itemsDone)} items so far; total not known yet`) : status.label}
            className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
          >
            {live && percent === null ? (
              <div className="animate-indeterminate h-full w-2/5 rounded-full bg-brand-600" />
            ) : (
              <div
                className={cn("h-full rounded-full transition-[width] duration-500", j.status === "failed" ? "bg-red-500" : j.status === "completed" ? "bg-emerald-500" : live ? "bg-brand-600" : "bg-amber-500")}
                style={{ width: `${live ? (percent ?? 0) : 100}%` }}
              />
            )}
          </div>
          <p className="mt-2 text-sm text-slate-500" aria-live="polite">
            {live
              ? percent !== null
                ? `${percent}% of ${formatCount(j.progress.itemsTotal ?? 0)} items`
                : "Counting as it goes: the total is known only once every mailbox and drive has been listed."
              : (j.summary ?? status.label)}
          </p>
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-5 xl:grid-cols-4">
          <Stat label="Items" value={`${formatCount(j.progress.itemsDone)}${j.progress.itemsTotal !== undefined ? ` of ${formatCount(j.progress.itemsTotal)}` : ""}`} testId="backup-items" />
          <Stat label="Data" value={formatBytes(j.progress.bytesDone)} testId="backup-bytes" />
          <Stat label={live ? "Rate" : "Average rate"} value={rates.bytesPerSecond !== null ? `${formatBytes(rates.bytesPerSecond)}/s · ${(rates.itemsPerSecond ?? 0).toFixed(1)} items/s` : "—"} />
          <Stat label="Time left" value={!live ? "Done" : rates.secondsLeft !== null ? `about ${formatDuration(rates.secondsLeft)}` : "Not known yet"} />
        </dl>
        {j.warningCount > 0 ? (
          <Alert tone="warning" title={`${formatCount(j.warningCount)} item${j.warningCount === 1 ? "" : "s"} could not be backed up`}>
            <ul className="list-disc space-y-1 pl-5">
              {j.warnings.slice(0, 5).map((w, i) => (
                <li key={i}>
                  {w.path ?? w.itemRef ?? w.code}: {w.message}
                </li>
              ))}
            </ul>
            {j.warningCount > 5 ? <p className="mt-1">…and {formatCount(j.warningCount - 5)} more.</p> : null}
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
