"use client";
// Webhooks (docs/webhooks.md): every announcement the admins are emailed is also POSTed, signed, to
// each endpoint listed here. Adding one applies at once (and is itself announced); removing one
// silences a channel an intruder would want silent, so it is a guarded request (ADR 0020) and the
// endpoint keeps receiving events until that request runs.
import type { GuardedRequestView, WebhookEndpointView } from "@holdfast/services";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { requestsHref, RequestedNotice } from "~/components/guard/requested-notice";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog, mutationDialogProps } from "~/components/ui/confirm-dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { errorData, errorMessage } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { AddWebhookForm } from "./add-webhook-form";
import { DeliveriesList } from "./deliveries-list";
import { anyPending, attemptOutcome, deliveryStatus, endpointStatus, REMOVAL_EXPLANATION } from "./webhook-text";

/** While a delivery waits for the worker, the list refreshes itself this often. */
const PENDING_POLL_MS = 5_000;

export function WebhooksCard({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const headingId = useId();
  const removalNoteId = useId();
  const endpoints = useQuery({ ...trpc.webhooks.list.queryOptions({ orgId }), refetchInterval: (q) => (anyPending(q.state.data) ? PENDING_POLL_MS : false) });
  const [removing, setRemoving] = useState<WebhookEndpointView | null>(null);
  const [requested, setRequested] = useState<{ endpointId: string; request: GuardedRequestView } | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ orgId }) });
  const remove = useMutation(
    trpc.webhooks.remove.mutationOptions({
      onSuccess: async (request, vars) => {
        setRemoving(null);
        setRequested({ endpointId: vars.id, request });
        await Promise.all([invalidate(), qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) })]);
      },
    }),
  );
  const test = useMutation(
    trpc.webhooks.test.mutationOptions({ onSuccess: () => Promise.all([invalidate(), qc.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() })]) }),
  );
  // A member the service does not show webhooks to gets a sentence, not an error.
  const refused = endpoints.isError && errorData(endpoints.error).code === "FORBIDDEN";

  return (
    <Card aria-labelledby={headingId}>
      <CardHeader
        id={headingId}
        title="Webhooks"
        description="Every announcement the owners and admins are emailed (requests and their approvals, retention and hold changes, alerts, drills) is also sent, signed, to these URLs: for your chat, ticketing or SIEM."
      />
      {canManage ? (
        <CardBody className="border-b border-slate-100">
          <AddWebhookForm orgId={orgId} />
        </CardBody>
      ) : null}
      {refused ? (
        <CardBody>
          <p className="text-sm text-slate-500">Only an owner, admin or guardian can see this organisation&apos;s webhooks.</p>
        </CardBody>
      ) : (
        <QueryStates
          query={endpoints}
          loading="Loading the webhook endpoints"
          rows={2}
          retry
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState icon="activity" title="No webhook endpoints">
              {canManage ? "Add a URL above to receive every announcement as a signed POST." : "Announcements go by email only."}
            </EmptyState>
          }
        >
          {(list) => (
            <>
              <ul aria-label="Webhook endpoints" className="divide-y divide-slate-100">
                {list.map((e) => (
                  <EndpointRow
                    key={e.id}
                    orgId={orgId}
                    endpoint={e}
                    canManage={canManage}
                    removalNoteId={removalNoteId}
                    requested={requested?.endpointId === e.id ? requested.request : null}
                    testing={test.isPending && test.variables.id === e.id}
                    testQueued={test.isSuccess && test.variables.id === e.id}
                    testError={test.isError && test.variables.id === e.id ? errorMessage(test.error) : null}
                    onTest={() => test.mutate({ orgId, id: e.id })}
                    onRemove={() => (remove.reset(), setRemoving(e))}
                  />
                ))}
              </ul>
              {canManage && list.some((e) => !e.disabledAt && !e.removalRequestId) ? (
                <p id={removalNoteId} className="border-t border-slate-100 px-4 py-3 text-sm text-slate-500 sm:px-6">
                  {REMOVAL_EXPLANATION}
                </p>
              ) : null}
            </>
          )}
        </QueryStates>
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Remove this webhook endpoint?"
        confirmLabel="Request removal"
        {...mutationDialogProps(remove, () => setRemoving(null))}
        onConfirm={() => removing && remove.mutate({ orgId, id: removing.id })}
      >
        <p className="break-all">{removing?.url}</p>
        <p className="mt-2">Once removed it receives no more events, so nobody watching it is told of anything that happens after. {REMOVAL_EXPLANATION}</p>
      </ConfirmDialog>
    </Card>
  );
}

function EndpointRow({
  orgId,
  endpoint: e,
  canManage,
  removalNoteId,
  requested,
  testing,
  testQueued,
  testError,
  onTest,
  onRemove,
}: {
  orgId: string;
  endpoint: WebhookEndpointView;
  canManage: boolean;
  removalNoteId: string;
  requested: GuardedRequestView | null;
  testing: boolean;
  testQueued: boolean;
  testError: string | null;
  onTest: () => void;
  onRemove: () => void;
}) {
  const status = endpointStatus(e);
  const active = !e.disabledAt;
  const [showDeliveries, setShowDeliveries] = useState(false);
  const deliveriesId = useId();
  const last = e.lastDelivery;
  const outcome = last ? attemptOutcome(last) : null;
  return (
    <li className="space-y-3 px-4 py-4 sm:px-6">
      <div className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start">
        <div className="min-w-0 space-y-1">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            <span className="font-mono text-xs break-all">{e.url}</span>
            <Badge tone={status.tone}>{status.label}</Badge>
          </p>
          {e.description ? <p className="text-sm break-words text-slate-700">{e.description}</p> : null}
          <p className="text-sm text-slate-500">
            Secret <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700">{e.secretPrefix}…</code> · added <LocalTime iso={e.createdAt} mode="date" />
            {e.disabledAt ? (
              <>
                {" "}
                · removed <LocalTime iso={e.disabledAt} />
              </>
            ) : null}
          </p>
          <p className="text-sm text-slate-600" data-testid="webhook-last-delivery">
            {last ? (
              <>
                Last delivery: <Badge tone={deliveryStatus(last).tone}>{deliveryStatus(last).label}</Badge> <span className="font-mono text-xs">{last.eventType}</span>
                {" · "}
                <LocalTime iso={last.deliveredAt ?? last.lastAttemptAt ?? last.createdAt} />
                {outcome ? ` · ${outcome}` : null}
              </>
            ) : (
              "Nothing sent yet."
            )}
          </p>
        </div>
        {canManage && active ? (
          <div className="flex flex-wrap gap-2 sm:justify-end">
            <Button variant="secondary" size="sm" onClick={onTest} loading={testing} aria-label={`Send test: ${e.url}`}>
              Send test
            </Button>
            {e.removalRequestId ? null : (
              <Button variant="secondary" size="sm" onClick={onRemove} aria-label={`Remove: ${e.url}`} aria-describedby={removalNoteId}>
                Remove
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {testQueued ? (
        <p role="status" className="text-sm font-medium text-emerald-800">
          Test event queued: it is sent with the next deliveries.
        </p>
      ) : testError ? (
        <Alert tone="danger" title="The test event was not queued">
          {testError}
        </Alert>
      ) : null}
      {requested ? (
        <RequestedNotice orgId={orgId} request={requested} />
      ) : e.removalRequestId && active ? (
        <Alert tone="info">
          <p>
            Removal requested: it needs approval by another owner, administrator or guardian, and runs only after the cooling-off delay.{" "}
            <Link href={requestsHref(orgId)} className="font-medium underline underline-offset-2 hover:no-underline">
              See requests
            </Link>
          </p>
        </Alert>
      ) : null}
      <div>
        <Button variant="ghost" size="sm" aria-expanded={showDeliveries} aria-controls={deliveriesId} onClick={() => setShowDeliveries((v) => !v)}>
          {showDeliveries ? "Hide deliveries" : "Show deliveries"}
        </Button>
        <div id={deliveriesId}>{showDeliveries ? <DeliveriesList orgId={orgId} endpointId={e.id} url={e.url} /> : null}</div>
      </div>
    </li>
  );
}
