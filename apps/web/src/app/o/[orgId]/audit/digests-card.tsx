"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { useTRPC } from "~/trpc/react";

/**
 * The signed daily digests of the audit chain: each day's download, the events export (admins),
 * and how to check one against the other without us.
 */
export function DigestsCard({ orgId, canExport }: { orgId: string; canExport: boolean }) {
  const trpc = useTRPC();
  const digests = useQuery(trpc.audit.digests.queryOptions({ orgId, limit: 90 }));
  return (
    <Card className="mt-8" aria-labelledby="audit-digests-title">
      <CardHeader
        id="audit-digests-title"
        title="Signed digests"
        description="Every day the audit chain's state is signed with this organisation's key and written to its vault under a 7-year compliance lock."
        actions={
          canExport ? (
            <a className="text-sm font-medium text-brand-700 hover:underline" href={`/o/${orgId}/audit/export`} download>
              Download events export (.jsonl)
            </a>
          ) : null
        }
      />
      <CardBody>
        <p className="mb-4 text-sm text-slate-600">
          To verify offline, without Holdfast: download the events export and run{" "}
          <code className="rounded bg-slate-100 px-1 font-mono text-xs">holdfast-restore verify-audit --events audit-events.jsonl</code> with your vault&apos;s read credentials. It checks every
          signature and recomputes the chain; any altered, missing or rewritten event is named by day and seq.
        </p>
        <QueryStates
          query={digests}
          loading="Loading signed digests"
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState icon="lock" title="No digests yet">The first digest is signed shortly after the first full day with a vault.</EmptyState>}
        >
          {(d) => (
            <ul className="divide-y divide-slate-100 text-sm">
              {d.items.map((i) => (
                <li key={i.day} className="flex flex-wrap items-center justify-between gap-3 py-2">
                  <span className="font-medium text-slate-900">{i.day}</span>
                  <span className="text-slate-500">
                    {i.eventCount} events · seq {i.eventCount > 0 ? `${i.fromSeq}–${i.toSeq}` : `up to ${i.toSeq}`} · locked until <LocalTime iso={i.lockedUntil} mode="date" />
                  </span>
                  <a className="font-medium text-brand-700 hover:underline" href={`/o/${orgId}/audit/digests/${i.day}`} download>
                    Download
                  </a>
                </li>
              ))}
            </ul>
          )}
        </QueryStates>
      </CardBody>
    </Card>
  );
}
