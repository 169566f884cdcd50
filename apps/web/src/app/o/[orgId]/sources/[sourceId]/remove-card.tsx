"use client";
// Removing a source, and how a removed one reads. Removal ends a source's protection, so it is
// always a guarded request (ADR 0020): the confirmation says so before it is sent, and the page
// shows the open request until it runs. A removed source keeps its backups until their retention
// dates, so the page points at browsing and searching them rather than at the provider.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import type { GuardedRequestView, SourceDetail } from "@holdfast/services";
import { requestsHref } from "~/components/guard/requested-notice";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { ConfirmDialog, mutationDialogProps } from "~/components/ui/confirm-dialog";
import { PROVIDER_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";
import { RemovedLabel } from "../removed-label";

/** The open `source.remove` request for this source, if any (the guard list is the organisation's, newest first). */
export function useOpenRemoval(orgId: string, sourceId: string, enabled: boolean): GuardedRequestView | null {
  const trpc = useTRPC();
  const open = useQuery({ ...trpc.guard.list.queryOptions({ orgId, filter: "open" }), enabled });
  return open.data?.find((r) => r.kind === "source.remove" && r.params.sourceId === sourceId) ?? null;
}

/** At the top of a removed source's page: what removal did, and where its backups still are. */
export function RemovedNotice({ orgId, source }: { orgId: string; source: Pick<SourceDetail, "removedAt"> }) {
  return (
    <Alert
      tone="info"
      title={
        <>
          <RemovedLabel removedAt={source.removedAt} />: nothing new is backed up
        </>
      }
      actions={
        <>
          <ButtonLink href={`/o/${orgId}/browse`} variant="secondary" size="sm">
            <Icon name="folder" className="size-4" />
            Browse backups
          </ButtonLink>
          <ButtonLink href={`/o/${orgId}/search`} variant="secondary" size="sm">
            <Icon name="search" className="size-4" />
            Search backups
          </ButtonLink>
        </>
      }
    >
      <p>
        Its schedule has stopped and Holdfast no longer holds its credentials. The backups already taken are kept: they can be browsed, searched and restored until
        each one reaches the end of its retention period. To back this account up again, connect it as a new source.
      </p>
    </Alert>
  );
}

/**
 * The "Remove source" section at the bottom of the page, for owners and admins. The request it
 * makes is shown at the top of the page (`onRequested`), where an open one is shown to everyone;
 * meanwhile this section offers no second one.
 */
export function RemoveSourceCard({ orgId, source, requested, onRequested }: { orgId: string; source: SourceDetail; requested: boolean; onRequested: (r: GuardedRequestView) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const headingId = useId();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.sources.remove.mutationOptions({
      onSuccess: async (request) => {
        setConfirming(false);
        onRequested(request);
        await qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
      },
    }),
  );
  const provider = PROVIDER_LABEL[source.provider];
  return (
    <Card aria-labelledby={headingId} className="ring-red-200">
      <div className="border-b border-red-100 px-4 py-4 sm:px-6">
        <h2 id={headingId} className="text-base font-semibold text-red-800">
          Remove source
        </h2>
        <p className="mt-1 text-sm text-slate-500">Stop protecting {source.displayName} for good.</p>
      </div>
      <CardBody>
        {requested ? (
          <p className="text-sm text-slate-600">
            Its removal has been requested (see the top of this page). It can be approved or cancelled on the{" "}
            <Link href={requestsHref(orgId)} className="font-medium text-brand-700 underline underline-offset-2 hover:no-underline">
              requests page
            </Link>
            .
          </p>
        ) : (
          <div className="flex flex-wrap items-end justify-between gap-4">
            <p className="max-w-2xl text-sm text-slate-600">
              No more backups are taken and Holdfast deletes its access to {provider}. The backups already taken stay restorable until their retention ends. Removal
              needs the approval of a second person and waits out the cooling-off delay.
            </p>
            <Button variant="danger" onClick={() => (remove.reset(), setConfirming(true))}>
              <Icon name="trash" className="size-4" />
              Remove source
            </Button>
          </div>
        )}
      </CardBody>
      <ConfirmDialog
        open={confirming}
        title={`Remove ${source.displayName}?`}
        confirmLabel="Request removal"
        {...mutationDialogProps(remove, () => setConfirming(false))}
        onConfirm={() => remove.mutate({ orgId, id: source.id })}
      >
        <ul className="list-disc space-y-2 pl-5">
          <li>Holdfast stops backing it up: no scheduled backups and no “Back up now”.</li>
          <li>The access Holdfast holds to {provider} is deleted. To protect it again later, connect it as a new source.</li>
          <li>The backups already taken are not deleted: you can still browse, search and restore them until each reaches the end of its retention period.</li>
          <li>
            This is a request. Every owner, administrator and guardian is told of it; it runs only once another of them approves it with a fresh code from their
            authenticator app, and after the cooling-off delay. Until then anyone told of it can cancel it on the Requests page.
          </li>
        </ul>
      </ConfirmDialog>
    </Card>
  );
}
