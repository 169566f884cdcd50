"use client";
// A job's progress as the server reports it: a bar (determinate only when the total is known),
// items, data, rate and time left. Reusable wherever a Job from `catalogue.jobs.get` is at hand.
import type { Job, JobListItem } from "@holdfast/services";
import { cn } from "~/lib/cn";
import { isActive, jobRates, jobStatus } from "~/lib/jobs";
import { formatBytes, formatCount, formatDuration } from "~/lib/sources";

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold break-words text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The bar alone (lists use it small). */
export function JobProgressBar({ job, label, now, size = "md" }: { job: Job | JobListItem; label: string; now: number; size?: "sm" | "md" }) {
  const live = isActive(job.status);
  const status = jobStatus(job.status);
  const rates = jobRates(job, now);
  const percent = rates.fraction !== null ? Math.round(rates.fraction * 100) : null;
  const queued = job.status === "queued" || job.status === "pending";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={live ? (percent ?? undefined) : 100}
      aria-valuetext={live ? (queued ? "Waiting to start" : percent !== null ? `${percent}%` : `${formatCount(job.progress.itemsDone)} items so far`) : status.label}
      className={cn("w-full overflow-hidden rounded-full bg-slate-100", size === "sm" ? "h-1.5" : "h-2.5")}
    >
      {live && percent === null ? (
        queued ? null : <div className="animate-indeterminate h-full w-2/5 rounded-full bg-brand-600" />
      ) : (
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-500",
            job.status === "failed" ? "bg-red-500" : job.status === "completed" ? "bg-emerald-500" : live ? "bg-brand-600" : job.status === "cancelled" ? "bg-slate-400" : "bg-amber-500",
          )}
          style={{ width: `${live ? (percent ?? 0) : 100}%` }}
        />
      )}
    </div>
  );
}

/** Bar, a line saying where it stands, and the numbers. `now` is when the job was read. */
export function JobProgress({ job, now, label = "Job progress" }: { job: Job | JobListItem; now: number; label?: string }) {
  const live = isActive(job.status);
  const status = jobStatus(job.status);
  const rates = jobRates(job, now);
  const percent = rates.fraction !== null ? Math.round(rates.fraction * 100) : null;
  const { itemsDone, itemsTotal, bytesDone } = job.progress;
  const queued = job.status === "queued" || job.status === "pending";
  const noun = job.kind === "backup" ? "captured" : job.kind === "export" ? "exported" : "dealt with";
  return (
    <div className="space-y-5">
      <div>
        <JobProgressBar job={job} label={label} now={now} />
        <p className="mt-2 text-sm text-slate-500" aria-live="polite">
          {queued
            ? "Waiting for a worker to pick it up."
            : live
              ? percent !== null
                ? `${percent}% of ${formatCount(itemsTotal ?? 0)} items`
                : `${formatCount(itemsDone)} items ${noun} so far; the total is known once every item has been listed.`
              : (job.summary ?? status.label)}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-5 xl:grid-cols-4">
        <Stat label="Items" value={`${formatCount(itemsDone)}${itemsTotal !== undefined ? ` of ${formatCount(itemsTotal)}` : ""}`} testId="job-items" />
        <Stat label={job.kind === "export" ? "Archive size" : "Data"} value={bytesDone > 0 ? formatBytes(bytesDone) : "—"} testId="job-bytes" />
        <Stat
          label={live ? "Rate" : "Average rate"}
          value={
            rates.itemsPerSecond !== null
              ? `${rates.bytesPerSecond !== null ? `${formatBytes(rates.bytesPerSecond)}/s · ` : ""}${rates.itemsPerSecond.toFixed(1)} items/s`
              : "—"
          }
        />
        <Stat label="Time left" value={!live ? "Done" : rates.secondsLeft !== null ? `about ${formatDuration(rates.secondsLeft)}` : "Not known yet"} />
      </dl>
    </div>
  );
}
