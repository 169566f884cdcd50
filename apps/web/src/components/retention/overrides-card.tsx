"use client";
// Sources and accounts with a policy of their own: it wins over the organisation's for them (a
// unit's over its source's). Listed here so nobody is surprised that one mailbox keeps longer.
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { Badge } from "~/components/ui/badge";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { useTRPC } from "~/trpc/react";
import { describePolicy } from "./policy-text";

export function OverridesCard({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  const overrides = useQuery(trpc.retention.overrides.queryOptions({ orgId }));
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader id={headingId} title="Overrides" description="A source or account with its own policy keeps its backups by that policy instead of the organisation's." />
      <QueryStates
        query={overrides}
        loading="Loading the overrides"
        rows={2}
        retry
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState icon="shield" title="No source or account has its own policy">
            Every source and account follows the organisation policy above.
          </EmptyState>
        }
      >
        {(list) => (
          <ul aria-labelledby={headingId} className="divide-y divide-slate-100">
            {list.map((o) => (
              <li key={`${o.scope}:${o.scopeId}`} className="grid grid-cols-1 gap-x-6 gap-y-1.5 px-4 py-4 sm:px-6 lg:grid-cols-[minmax(0,16rem)_minmax(0,1fr)_auto] lg:items-start">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900" title={o.name}>
                    {o.name}
                  </p>
                  <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-500">
                    <Badge>{o.scope === "source" ? "Source" : "Account"}</Badge>
                    {o.scope === "unit" && o.sourceName ? <span className="truncate">in {o.sourceName}</span> : null}
                  </p>
                </div>
                <p className="text-sm text-slate-700">{describePolicy(o.policy)}</p>
                <p className="text-sm whitespace-nowrap text-slate-500">
                  Set <LocalTime iso={o.updatedAt} mode="date" />
                </p>
              </li>
            ))}
          </ul>
        )}
      </QueryStates>
    </Card>
  );
}
