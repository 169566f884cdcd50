"use client";
// The cooling-off delay (ADR 0020): how long an approved request waits before it runs. Only an
// owner changes it; lengthening applies at once, shortening is itself a guarded request.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { RetryAlert } from "~/components/ui/retry-alert";
import { Skeleton } from "~/components/ui/spinner";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

const MAX_HOURS = 24 * 90;

const hoursText = (h: number) => `${h} ${h === 1 ? "hour" : "hours"}`;

export function GuardDelayCard({ orgId, isOwner }: { orgId: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const headingId = useId();
  const setting = useQuery(trpc.guard.settings.queryOptions({ orgId }));
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader
        id={headingId}
        title="Cooling-off delay"
        description="How long a request to remove a member, shorten retention, release a legal hold or otherwise weaken protection waits before it runs, even once approved. Anyone told of it can cancel it meanwhile."
      />
      <CardBody className="space-y-5">
        {setting.isPending ? (
          <div role="status" aria-busy="true" className="space-y-2">
            <span className="sr-only">Loading the cooling-off delay</span>
            <Skeleton className="h-4 w-48" />
            <Skeleton className="h-10 w-40" />
          </div>
        ) : setting.isError ? (
          <RetryAlert error={setting.error} onRetry={() => void setting.refetch()} title="The cooling-off delay could not be loaded" />
        ) : (
          <>
            <p className="text-sm text-slate-900" data-testid="guard-delay">
              Requests run <span className="font-medium">{hoursText(setting.data.delayHours)}</span> after they are made, at the earliest.
              {setting.data.effectiveDelaySeconds !== setting.data.delayHours * 3600 ? ` (This installation applies ${setting.data.effectiveDelaySeconds} seconds.)` : null}
            </p>
            {isOwner ? (
              <DelayForm orgId={orgId} current={setting.data.delayHours} />
            ) : (
              <p className="text-sm text-slate-500">Only an owner can change the cooling-off delay.</p>
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}

function DelayForm({ orgId, current }: { orgId: string; current: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [hours, setHours] = useState(String(current));
  const save = useMutation(
    trpc.guard.setDelay.mutationOptions({
      onSuccess: (res) => {
        if (res.outcome === "applied") qc.setQueryData(trpc.guard.settings.queryKey({ orgId }), res.result);
        else void qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
      },
    }),
  );
  const value = Number(hours.trim());
  const valid = /^\d+$/.test(hours.trim()) && value >= 1 && value <= MAX_HOURS;
  const shortens = valid && value < current;
  const fieldError = fieldErrorsOf(save.error).hours ?? (hours.trim() !== "" && !valid ? `Enter a whole number of hours from 1 to ${MAX_HOURS}` : undefined);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid || value === current) return;
    save.mutate({ orgId, hours: value });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <div className="flex flex-wrap items-start gap-4">
        <TextField
          label="Delay in hours"
          className="w-48"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_HOURS}
          step={1}
          required
          value={hours}
          onChange={(e) => {
            setHours(e.target.value);
            save.reset();
          }}
          disabled={save.isPending}
          error={fieldError}
          hint="From 1 hour to 90 days (2160 hours)."
        />
        <Button type="submit" className="sm:mt-7" loading={save.isPending} disabled={!valid || value === current}>
          Save delay
        </Button>
      </div>
      {shortens && !save.isSuccess ? (
        <Alert tone="warning" title="A shorter delay needs a second person's approval">
          Saving sends it as a request: another owner, administrator or guardian must approve it, and it applies only after the current delay of {hoursText(current)}.
        </Alert>
      ) : null}
      {save.isError && !fieldErrorsOf(save.error).hours ? (
        <Alert tone="danger" title="The delay was not saved">
          {errorMessage(save.error)}
        </Alert>
      ) : null}
      {save.data?.outcome === "requested" ? <RequestedNotice orgId={orgId} request={save.data.request} /> : null}
      <p role="status" className="text-sm">
        {save.data?.outcome === "applied" ? <span className="font-medium text-emerald-800">Saved</span> : null}
      </p>
    </form>
  );
}
