"use client";
// The open requests (with a live countdown, Approve and Cancel) and the history. While anything is
// open both lists are polled, so a countdown reaching zero turns into the outcome without a reload.
import type { GuardedRequestView } from "@holdfast/services";
import { useQuery } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { Countdown } from "~/components/guard/countdown";
import { isOpen, outcomeText } from "~/components/guard/guard-text";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { useTRPC } from "~/trpc/react";
import { ApproveDialog, CancelDialog } from "./request-dialogs";

const POLL_MS = 5_000;

type Action = { kind: "approve" | "cancel"; request: GuardedRequestView };

export function RequestsView({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const waitingId = useId();
  const historyId = useId();
  const open = useQuery({
    ...trpc.guard.list.queryOptions({ orgId, filter: "open" }),
    refetchInterval: (q) => ((q.state.data?.length ?? 0) > 0 ? POLL_MS : false),
  });
  const live = (open.data?.length ?? 0) > 0;
  // Also until its own copy has no open entry, or a request that just ended would be in neither list.
  const all = useQuery({
    ...trpc.guard.list.queryOptions({ orgId, filter: "all" }),
    refetchInterval: (q) => (live || q.state.data?.some(isOpen) ? POLL_MS : false),
  });
  const [action, setAction] = useState<Action | null>(null);

  return (
    <div className="space-y-8">
      <Card aria-labelledby={waitingId}>
        <CardHeader id={waitingId} title="Waiting" description="Each runs once a second person has approved it and its cooling-off delay has passed. Until then anyone told of it can cancel it." />
        <QueryStates
          query={open}
          loading="Loading the waiting requests"
          rows={2}
          retry
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState icon="shield" title="No requests are waiting.">
              Removing members, shortening retention, releasing legal holds and similar changes show up here until they run.
            </EmptyState>
          }
        >
          {(list) => (
            <ul aria-label="Waiting requests" className="divide-y divide-slate-100">
              {list.map((r) => (
                <OpenRequest key={r.id} request={r} onApprove={() => setAction({ kind: "approve", request: r })} onCancel={() => setAction({ kind: "cancel", request: r })} />
              ))}
            </ul>
          )}
        </QueryStates>
      </Card>

      <Card aria-labelledby={historyId}>
        <CardHeader id={historyId} title="History" description="Requests that ran, failed, were cancelled or lapsed, newest first." />
        <QueryStates
          query={all}
          loading="Loading past requests"
          rows={2}
          retry
          isEmpty={(list) => !list.some((r) => !isOpen(r))}
          empty={<p className="px-4 py-6 text-sm text-slate-500 sm:px-6">No past requests.</p>}
        >
          {(list) => (
            // By status rather than by the open list's ids, so the two reads never disagree mid-poll.
            <ul aria-label="Past requests" className="divide-y divide-slate-100">
              {list
                .filter((r) => !isOpen(r))
                .map((r) => (
                  <PastRequest key={r.id} request={r} />
                ))}
            </ul>
          )}
        </QueryStates>
      </Card>

      <ApproveDialog orgId={orgId} request={action?.kind === "approve" ? action.request : null} onClose={() => setAction(null)} />
      <CancelDialog orgId={orgId} request={action?.kind === "cancel" ? action.request : null} onClose={() => setAction(null)} />
    </div>
  );
}

function RequestHead({ request, badge }: { request: GuardedRequestView; badge?: ReactNode }) {
  return (
    <>
      <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
        <span>{request.label}</span>
        {badge}
      </h3>
      <p className="text-sm break-words text-slate-700">{request.summary}</p>
      <p className="text-sm text-slate-500">
        Asked by {request.requestedBy.name} <LocalTime iso={request.requestedAt} mode="relative" />
      </p>
    </>
  );
}

function OpenRequest({ request: r, onApprove, onCancel }: { request: GuardedRequestView; onApprove: () => void; onCancel: () => void }) {
  const pending = r.status === "pending";
  return (
    <li className="grid grid-cols-1 gap-x-6 gap-y-3 px-4 py-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start sm:px-6">
      <div className="min-w-0 space-y-1">
        <RequestHead request={r} />
        <p className="text-sm text-slate-700">
          {pending ? (
            "Waiting for approval"
          ) : (
            <>
              Approved{r.approvedBy ? ` by ${r.approvedBy.name}` : ""} — runs at <LocalTime iso={r.notBefore} />
            </>
          )}
          {" · "}
          <span className="font-medium text-slate-900">
            <Countdown iso={r.notBefore} prefix="Runs in " suffix={pending ? " at the earliest" : ""} due={pending ? "Runs as soon as it is approved" : "Running now"} />
          </span>
        </p>
        {pending ? (
          <p className="text-sm text-slate-500">
            Lapses <LocalTime iso={r.expiresAt} /> unless approved
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        {pending ? (
          <Button size="sm" onClick={onApprove} aria-label={`Approve: ${r.label} — ${r.summary}`}>
            Approve
          </Button>
        ) : null}
        <Button size="sm" variant="secondary" onClick={onCancel} aria-label={`Cancel request: ${r.label} — ${r.summary}`}>
          Cancel request
        </Button>
      </div>
    </li>
  );
}

function PastRequest({ request: r }: { request: GuardedRequestView }) {
  const when = r.executedAt ?? r.cancelledAt ?? (r.status === "expired" ? r.expiresAt : null);
  const color = r.status === "executed" ? "text-emerald-800" : r.status === "failed" ? "text-red-700" : "text-slate-700";
  return (
    <li className="space-y-1 px-4 py-4 sm:px-6">
      <RequestHead request={r} badge={r.status === "executed" ? <Badge tone="success">Done</Badge> : r.status === "failed" ? <Badge tone="danger">Failed</Badge> : null} />
      <p className="text-sm break-words">
        <span className={`font-medium ${color}`}>{outcomeText(r)}</span>
        {when ? (
          <span className="text-slate-500">
            {" · "}
            <LocalTime iso={when} />
          </span>
        ) : null}
      </p>
      {r.status === "cancelled" && r.cancelReason ? <p className="text-sm break-words whitespace-pre-line text-slate-600">Reason: {r.cancelReason}</p> : null}
      {r.approvedBy ? <p className="text-sm text-slate-500">Approved by {r.approvedBy.name}</p> : null}
    </li>
  );
}
