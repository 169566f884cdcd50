"use client";
// The vault's credentials (ADR 0005, issue 7): which bucket, since when, and when the three
// identities Holdfast reaches it with were last replaced. Rotating them cuts off anyone holding a
// copy — and, in the wrong hands, would hold up the organisation's own backups — so it is always a
// guarded request (ADR 0020), asked for by an admin or owner and approved by a second person.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { GuardedRequestView } from "@holdfast/services";
import { RequestedNotice, requestsHref } from "~/components/guard/requested-notice";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { RetryAlert } from "~/components/ui/retry-alert";
import { Skeleton } from "~/components/ui/spinner";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

const MAX_REASON = 500;

export function VaultCredentialsCard({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const headingId = useId();
  const vault = useQuery(trpc.sources.vault.status.queryOptions({ orgId }));
  const open = useQuery({ ...trpc.guard.list.queryOptions({ orgId, filter: "open" }), enabled: vault.data?.provisioned === true });
  const [justRequested, setJustRequested] = useState<GuardedRequestView | null>(null);
  // A rotation already waiting (asked here, elsewhere or over the API) is shown instead of the form: a second one would be refused.
  const request = open.data?.find((r) => r.kind === "vault.rotate_credentials") ?? justRequested;
  const noticeRef = useRef<HTMLDivElement>(null);
  // The form (and its button) is gone once asked: move to the notice that says what happens next.
  useEffect(() => {
    if (justRequested) noticeRef.current?.focus();
  }, [justRequested]);

  return (
    <Card aria-labelledby={headingId}>
      <CardHeader
        id={headingId}
        title="Vault credentials"
        description="Holdfast reaches this organisation's backup vault with three identities of its own at the storage provider: one writes backups, one reads them for restores, and one clears out what retention has let go."
      />
      <CardBody className="space-y-5">
        {vault.isPending ? (
          <div role="status" aria-busy="true" className="space-y-2">
            <span className="sr-only">Loading the vault</span>
            <Skeleton className="h-4 w-64" />
            <Skeleton className="h-4 w-48" />
          </div>
        ) : vault.isError ? (
          <RetryAlert error={vault.error} onRetry={() => void vault.refetch()} title="The vault could not be loaded" />
        ) : !vault.data.provisioned ? (
          <p className="text-sm text-slate-600">This organisation has no vault yet, so there are no credentials to rotate. An owner creates it when connecting the first source.</p>
        ) : (
          <>
            <dl className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-3">
              <div>
                <dt className="text-sm text-slate-500">Bucket</dt>
                <dd className="mt-1 font-mono text-sm break-all text-slate-900">{vault.data.bucket}</dd>
              </div>
              <div>
                <dt className="text-sm text-slate-500">Created</dt>
                <dd className="mt-1 text-sm text-slate-900">{vault.data.createdAt ? <LocalTime iso={vault.data.createdAt} mode="date" /> : "Unknown"}</dd>
              </div>
              <div>
                <dt className="text-sm text-slate-500">Credentials</dt>
                <dd className="mt-1 text-sm text-slate-900" data-testid="vault-credentials-rotated">
                  {vault.data.credentialsRotatedAt ? (
                    <>
                      Last rotated: <LocalTime iso={vault.data.credentialsRotatedAt} mode="date" />
                    </>
                  ) : (
                    "Never rotated"
                  )}
                </dd>
              </div>
            </dl>
            {request ? (
              <div ref={noticeRef} tabIndex={-1} className="space-y-3 rounded-lg outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
                <RequestedNotice orgId={orgId} request={request} />
                <p className="text-sm text-slate-600">
                  It can be approved or cancelled on the{" "}
                  <Link href={requestsHref(orgId)} className="font-medium text-brand-700 underline underline-offset-2 hover:no-underline">
                    requests page
                  </Link>
                  .
                </p>
              </div>
            ) : canManage ? (
              <>
                <ul className="max-w-2xl list-disc space-y-2 pl-5 text-sm text-slate-600">
                  <li>
                    Rotating makes new writer, reader and clean-up identities at the storage provider; the bucket then lets in only them, and the current ones are
                    deleted. Anyone holding a copy of the current ones loses access.
                  </li>
                  <li>Backups running at that moment carry on: the current identities keep working until the new ones are stored.</li>
                  <li>The backups themselves, their retention and your recovery key stay as they are.</li>
                  <li>
                    This is a request. Every owner, administrator and guardian is told of it; it runs only once another of them approves it with a fresh code from
                    their authenticator app, and after the cooling-off delay. Until then anyone told of it can cancel it.
                  </li>
                </ul>
                <RotateForm orgId={orgId} onRequested={setJustRequested} />
              </>
            ) : (
              <p className="text-sm text-slate-500">Only an admin or owner can rotate the vault&apos;s credentials.</p>
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}

function RotateForm({ orgId, onRequested }: { orgId: string; onRequested: (r: GuardedRequestView) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const rotate = useMutation(
    trpc.sources.vault.rotateCredentials.mutationOptions({
      onSuccess: async (request) => {
        onRequested(request);
        await qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
      },
    }),
  );
  const fieldError = fieldErrorsOf(rotate.error).reason;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (rotate.isPending) return;
    // Blank means no reason (the service refuses an empty one rather than store it).
    const given = reason.trim();
    rotate.mutate(given ? { orgId, reason: given } : { orgId });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        label="Reason"
        className="max-w-md"
        maxLength={MAX_REASON}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
          if (rotate.error) rotate.reset();
        }}
        disabled={rotate.isPending}
        error={fieldError}
        hint="Optional, e.g. a suspected leak or a routine rotation. Shown to whoever is asked to approve it."
      />
      {rotate.isError && !fieldError ? (
        <Alert tone="danger" title="The rotation was not requested">
          {errorMessage(rotate.error)}
        </Alert>
      ) : null}
      <Button type="submit" variant="secondary" loading={rotate.isPending}>
        <Icon name="key" className="size-4" />
        Rotate credentials
      </Button>
    </form>
  );
}
