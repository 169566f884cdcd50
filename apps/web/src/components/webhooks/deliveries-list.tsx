"use client";
// An endpoint's recent deliveries, newest first: what was sent, whether it got through, what came
// back, and when it is tried again. Loaded only when someone opens it.
import type { WebhookDeliveryView } from "@holdfast/services";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "~/components/ui/badge";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { useTRPC } from "~/trpc/react";
import { attemptOutcome, deliveryStatus } from "./webhook-text";

const SHOWN = 20;
const PENDING_POLL_MS = 5_000;

export function DeliveriesList({ orgId, endpointId, url }: { orgId: string; endpointId: string; url: string }) {
  const trpc = useTRPC();
  const deliveries = useQuery({
    ...trpc.webhooks.deliveries.queryOptions({ orgId, id: endpointId, limit: SHOWN }),
    refetchInterval: (q) => (q.state.data?.some((d) => d.status === "pending") ? PENDING_POLL_MS : false),
  });
  return (
    <div className="mt-2 rounded-lg ring-1 ring-slate-200">
      <QueryStates query={deliveries} loading="Loading deliveries" rows={2} retry isEmpty={(list) => list.length === 0} empty={<p className="px-4 py-3 text-sm text-slate-500">Nothing sent yet.</p>}>
        {(list) => (
          <ul aria-label={`Deliveries to ${url}`} className="divide-y divide-slate-100">
            {list.map((d) => (
              <DeliveryRow key={d.id} delivery={d} />
            ))}
          </ul>
        )}
      </QueryStates>
    </div>
  );
}

function DeliveryRow({ delivery: d }: { delivery: WebhookDeliveryView }) {
  const status = deliveryStatus(d);
  const outcome = attemptOutcome(d);
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm">
      <Badge tone={status.tone}>{status.label}</Badge>
      <span className="font-mono text-xs break-all text-slate-800">{d.eventType}</span>
      <span className="text-slate-500">
        <LocalTime iso={d.createdAt} />
        {outcome ? ` · ${outcome}` : null}
        {d.status === "pending" && d.nextAttemptAt ? (
          <>
            {" "}
            · next try <LocalTime iso={d.nextAttemptAt} mode="relative" />
          </>
        ) : null}
      </span>
    </li>
  );
}
