"use client";
// The danger zone: closing the organisation (owners only). It removes every source and revokes
// every API key for good, so it is always a guarded request (ADR 0020), and typing the name is the
// check that the right organisation is meant. What stays is the backups, until their retention ends.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { GuardedRequestView } from "@holdfast/services";
import { RequestedNotice, requestsHref } from "~/components/guard/requested-notice";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

export function CloseOrganizationCard({ orgId, name, closedAt }: { orgId: string; name: string; closedAt: string | null }) {
  const trpc = useTRPC();
  const headingId = useId();
  const open = useQuery({ ...trpc.guard.list.queryOptions({ orgId, filter: "open" }), enabled: closedAt === null });
  const [justRequested, setJustRequested] = useState<GuardedRequestView | null>(null);
  const request = open.data?.find((r) => r.kind === "organization.close") ?? justRequested;
  const noticeRef = useRef<HTMLDivElement>(null);
  // The form (and its button) is gone once asked: move to the notice that says what happens next.
  useEffect(() => {
    if (justRequested) noticeRef.current?.focus();
  }, [justRequested]);

  return (
    <Card aria-labelledby={headingId} className="ring-red-200">
      <div className="border-b border-red-100 px-4 py-4 sm:px-6">
        <h2 id={headingId} className="text-base font-semibold text-red-800">
          Close organisation
        </h2>
        <p className="mt-1 text-sm text-slate-500">Stop protecting {name} for good. It cannot be reopened.</p>
      </div>
      <CardBody className="space-y-4">
        {closedAt ? (
          <p className="text-sm text-slate-900">
            {name} was closed on <LocalTime iso={closedAt} mode="date" />. Its backups can be browsed and exported until their retention ends.
          </p>
        ) : request ? (
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
        ) : (
          <>
            <ul className="max-w-2xl list-disc space-y-2 pl-5 text-sm text-slate-600">
              <li>Every source is removed: no more backups, and Holdfast deletes the access it holds to each provider.</li>
              <li>Every API key is revoked, and from then on no source can be connected, no one invited and no API key created.</li>
              <li>
                The backups already taken are not deleted: members can still sign in to browse, search and export them until each reaches the end of its retention
                period (a legal hold keeps them longer).
              </li>
              <li>It cannot be undone: a closed organisation cannot be reopened.</li>
              <li>
                This is a request. Every owner, administrator and guardian is told of it; it runs only once another of them approves it with a fresh code from their
                authenticator app, and after the cooling-off delay. Until then anyone told of it can cancel it.
              </li>
            </ul>
            <CloseForm orgId={orgId} name={name} onRequested={setJustRequested} />
          </>
        )}
      </CardBody>
    </Card>
  );
}

function CloseForm({ orgId, name, onRequested }: { orgId: string; name: string; onRequested: (r: GuardedRequestView) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const close = useMutation(
    trpc.organization.close.mutationOptions({
      onSuccess: async (request) => {
        onRequested(request);
        await qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
      },
    }),
  );
  const fieldError = (mismatch ? "Type the organisation's name exactly as shown" : undefined) ?? fieldErrorsOf(close.error).confirmName;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (close.isPending) return;
    // Exactly, as the service compares it: a near miss is the wrong organisation as far as anyone can tell.
    if (typed !== name) {
      setMismatch(true);
      inputRef.current?.focus();
      return;
    }
    close.mutate({ orgId, confirmName: typed });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        ref={inputRef}
        label={
          <>
            Type <span className="font-semibold break-all">{name}</span> to confirm
          </>
        }
        className="max-w-md"
        autoComplete="off"
        spellCheck={false}
        required
        value={typed}
        onChange={(e) => {
          setTyped(e.target.value);
          setMismatch(false);
          if (close.error) close.reset();
        }}
        disabled={close.isPending}
        error={fieldError}
      />
      {close.isError && !fieldErrorsOf(close.error).confirmName ? (
        <Alert tone="danger" title="The organisation was not closed">
          {errorMessage(close.error)}
        </Alert>
      ) : null}
      <Button type="submit" variant="danger" loading={close.isPending}>
        <Icon name="lock" className="size-4" />
        Request closing the organisation
      </Button>
    </form>
  );
}
