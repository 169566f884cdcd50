"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { GuardedRequestView, SourceDetail } from "@holdfast/services";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { errorMessage } from "~/lib/errors";
import { formatBytes, formatCount, isRunning, needsConsent, PROVIDER_LABEL, SOURCE_STATUS } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";
import { BackupProgress } from "./backup-progress";
import { RemovedLabel } from "../removed-label";
import { RemovedNotice, RemoveSourceCard, useOpenRemoval } from "./remove-card";
import { SettingsCard } from "./settings-card";
import { UnitsCard } from "./units-card";
import { LoadFailed } from "~/components/ui/load-failed";
import { PageSkeleton } from "~/components/ui/page-skeleton";

export type ConsentOutcome = "declined" | "failed" | "unavailable";

const CONSENT_OUTCOME: Record<ConsentOutcome, { title: string; body: string }> = {
  declined: { title: "Access was not approved", body: "The administrator cancelled on the provider's consent page, so nothing was connected. Ask for a new link below when they are ready." },
  failed: {
    title: "The consent could not be completed",
    body: "The link had expired or was already used, or the provider's answer could not be verified (for Google: approve as the super admin named for this source). The audit log has the reason. Ask for a new link below to try again.",
  },
  unavailable: { title: "The source is connected, but its first backup did not start", body: "Holdfast's job runner did not accept it. The schedule will back it up, or start a backup now." },
};

function ConsentNeeded({ orgId, source, canManage }: { orgId: string; source: SourceDetail; canManage: boolean }) {
  const trpc = useTRPC();
  const link = useMutation(trpc.sources.consentUrl.mutationOptions({ onSuccess: (res) => window.location.assign(res.authorizeUrl) }));
  const status = SOURCE_STATUS[source.status];
  const pending = source.status === "pending_consent";
  const provider = source.provider === "google_workspace" ? "Google" : "Microsoft";
  return (
    <Alert
      tone={pending ? "warning" : "danger"}
      title={pending ? `Waiting for the administrator's approval at ${provider}` : `${status.label}: nothing is being backed up`}
      actions={
        canManage ? (
          <Button size="sm" variant={pending ? "secondary" : "danger"} loading={link.isPending || link.isSuccess} onClick={() => link.mutate({ orgId, id: source.id })}>
            {pending ? `Continue to ${provider}` : "Reconnect"}
            <Icon name="arrowRight" className="size-4" />
          </Button>
        ) : null
      }
    >
      <p>{status.help}</p>
      {!canManage ? <p className="mt-1">An admin of this organisation can reconnect it.</p> : null}
      {link.error ? <p className="mt-2 font-medium">{errorMessage(link.error)}</p> : null}
    </Alert>
  );
}

function Protected({ source }: { source: SourceDetail }) {
  const run = source.lastRun;
  return (
    <Card aria-labelledby="protected-heading">
      <CardHeader id="protected-heading" title="Protection" />
      <CardBody>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-5 sm:grid-cols-2 xl:grid-cols-4">
          <div>
            <dt className="text-sm text-slate-500">Units protected</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900" data-testid="units-protected">
              {formatCount(source.units.protected)} of {formatCount(source.units.total)}
            </dd>
          </div>
          <div>
            <dt className="text-sm text-slate-500">Last successful backup</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900">{source.lastSuccessfulBackupAt ? <LocalTime iso={source.lastSuccessfulBackupAt} /> : "None yet"}</dd>
          </div>
          <div>
            <dt className="text-sm text-slate-500">Captured by the last backup</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900">{run && !isRunning(run.status) ? `${formatCount(run.itemsDone)} items · ${formatBytes(run.bytesDone)}` : "—"}</dd>
          </div>
          <div>
            <dt className="text-sm text-slate-500">Next run</dt>
            <dd className="mt-1 text-lg font-semibold text-slate-900" data-testid="next-run">
              {source.nextRunAt ? <LocalTime iso={source.nextRunAt} /> : source.schedule.paused ? "Schedule paused" : "Not scheduled"}
            </dd>
            {source.nextRunAt ? (
              <dd className="mt-0.5 text-xs text-slate-500">
                {source.schedule.timesPerDay}× a day, up to {source.schedule.jitterMinutes} min later than shown
              </dd>
            ) : null}
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}

export function SourceView({ orgId, sourceId, canManage, canBackUp, justConnected, consent }: { orgId: string; sourceId: string; canManage: boolean; canBackUp: boolean; justConnected: boolean; consent: ConsentOutcome | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const source = useQuery({
    ...trpc.sources.get.queryOptions({ orgId, id: sourceId }),
    // While a backup runs the source's counts and last run change; the job itself is polled faster below.
    refetchInterval: (q) => (q.state.data?.lastRun && isRunning(q.state.data.lastRun.status) ? 4_000 : false),
  });
  const backup = useMutation(trpc.catalogue.requestBackup.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.sources.get.queryKey({ orgId, id: sourceId }) }) }));
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A removal asked for here shows at once; the organisation's open requests confirm it (and show one asked for elsewhere).
  const [justRequested, setJustRequested] = useState<GuardedRequestView | null>(null);
  const openRemoval = useOpenRemoval(orgId, sourceId, source.data !== undefined && source.data.status !== "removed");
  const landed = justConnected || consent !== null;
  // Back from the provider: put focus on the page, so screen readers start at the outcome.
  useEffect(() => {
    if (landed) headingRef.current?.focus();
  }, [landed]);
  // Removal asked for: the button that opened the dialog is gone, so start again at the top, where
  // the request is now shown. (Runs after the dialog's own effect has closed it.)
  useEffect(() => {
    if (justRequested) headingRef.current?.focus();
  }, [justRequested]);

  if (source.isPending) return <PageSkeleton label="Loading the source" />;
  if (source.isError) {
    return (
      <LoadFailed
        error={source.error}
        onRetry={() => void source.refetch()}
        notFound={
          <EmptyState icon="database" title="This source does not exist" actions={<ButtonLink href={`/o/${orgId}/sources`} variant="secondary">Back to sources</ButtonLink>}>
            It may have been removed, or it belongs to another organisation.
          </EmptyState>
        }
      />
    );
  }

  const s = source.data;
  const status = SOURCE_STATUS[s.status];
  const running = s.lastRun ? isRunning(s.lastRun.status) : false;
  const removed = s.status === "removed";
  const removal = removed ? null : (openRemoval ?? justRequested);
  return (
    <div className="space-y-8">
      <div>
        <Link href={`/o/${orgId}/sources`} className="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">
          ← Sources
        </Link>
        <div className="mt-3">
          <PageHeader
            title={
              <span ref={headingRef} tabIndex={-1} className="outline-none">
                {s.displayName}
              </span>
            }
            description={
              <span className="flex flex-wrap items-center gap-2">
                <Badge tone={status.tone}>{removed ? <RemovedLabel removedAt={s.removedAt} /> : status.label}</Badge>
                <span>
                  {PROVIDER_LABEL[s.provider]}
                  {s.externalAccountId && s.externalAccountId !== s.displayName ? ` · ${s.externalAccountId}` : ""}
                  {s.connectedAt ? (
                    <>
                      {" · connected "}
                      <LocalTime iso={s.connectedAt} mode="date" />
                    </>
                  ) : null}
                </span>
              </span>
            }
            actions={
              canBackUp && s.status === "connected" ? (
                <Button variant="secondary" disabled={running} loading={backup.isPending} onClick={() => backup.mutate({ orgId, sourceId })}>
                  Back up now
                </Button>
              ) : null
            }
          />
        </div>
      </div>

      {justConnected && s.status === "connected" ? (
        <Alert tone="success" title={`${PROVIDER_LABEL[s.provider]} is connected`}>
          {running
            ? "The first backup has started: it discovers the users' mailboxes, drives, shared drives and sites, and backs them up. You can leave this page; it keeps going."
            : "Below: how the first backup went, and the units it discovered."}{" "}
          {s.autoProtectNewUnits ? "Units found later are protected automatically." : "Units found later start excluded until you include them."}
        </Alert>
      ) : null}
      {consent ? (
        <Alert tone={consent === "unavailable" ? "warning" : "danger"} title={CONSENT_OUTCOME[consent].title}>
          {CONSENT_OUTCOME[consent].body}
        </Alert>
      ) : null}
      {backup.error ? <Alert tone="danger">{errorMessage(backup.error)}</Alert> : null}
      {removed ? <RemovedNotice orgId={orgId} source={s} /> : null}
      {removal ? <RequestedNotice orgId={orgId} request={removal} /> : null}
      {/* A removed source cannot be reconnected: its credentials are gone (connect it again as a new source). */}
      {!removed && needsConsent(s) ? <ConsentNeeded orgId={orgId} source={s} canManage={canManage} /> : null}

      {s.lastRun ? (
        <BackupProgress
          orgId={orgId}
          jobId={s.lastRun.id}
          first={s.lastSuccessfulBackupAt === null}
          onFinished={() => void qc.invalidateQueries({ queryKey: trpc.sources.get.queryKey({ orgId, id: sourceId }) })}
        />
      ) : null}
      {/* "Done": shown once there is something protected to speak of, not while the first backup is still running. */}
      {s.status === "connected" && (!running || s.lastSuccessfulBackupAt) ? <Protected source={s} /> : null}
      <UnitsCard orgId={orgId} source={s} canManage={canManage} refreshing={running} />
      {removed ? null : <SettingsCard key={s.id} orgId={orgId} source={s} canManage={canManage} />}
      {canManage && !removed ? (
<RemoveSourceCard orgId={orgId} source={s} requested={removal !== null} onRequested={setJustRequested} />
      ) : null}
    </div>
  );
}
