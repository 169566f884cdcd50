"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import type { AuditEvent, Member } from "@holdfast/services";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { SelectField } from "~/components/ui/field";
import { FilterBar } from "~/components/ui/filter-bar";
import { LoadMoreFooter, showing } from "~/components/ui/list-footer";
import { LocalTime, useTimeZoneName } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { AUDIT_ACTIONS, auditActionLabel } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const PAGE_SIZE = 25;

function actorLabel(e: AuditEvent, people: Map<string, Member>): { primary: string; secondary?: string } {
  if (e.actorType === "user" && e.actorId) {
    const m = people.get(e.actorId);
    return m ? { primary: m.name ?? m.email, secondary: m.name ? m.email : undefined } : { primary: "Former member", secondary: e.actorId };
  }
  if (e.actorType === "api_key") return { primary: "API key", secondary: e.actorId ?? undefined };
  return { primary: e.actorType === "operator" ? "Holdfast operator" : "System", secondary: e.actorId ?? undefined };
}

function targetLabel(e: AuditEvent, people: Map<string, Member>): string {
  const meta = e.metadata;
  if (typeof meta.email === "string") return meta.email;
  if (typeof meta.name === "string") return meta.name;
  if (e.targetType === "user" && e.targetId) {
    const m = people.get(e.targetId);
    if (m) return m.name ?? m.email;
  }
  return e.targetType ? `${e.targetType.replace(/_/g, " ")}` : "—";
}

function Details({ e }: { e: AuditEvent }) {
  const entries = Object.entries(e.metadata).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return (
    <details className="group text-xs">
      <summary className="cursor-pointer rounded text-brand-700 select-none hover:underline">Details</summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-600">
        {entries.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-medium text-slate-500">{k}</dt>
            <dd className="break-all">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
          </div>
        ))}
        {e.ip ? (
          <>
            <dt className="font-medium text-slate-500">IP</dt>
            <dd>{e.ip}</dd>
          </>
        ) : null}
        {e.requestId ? (
          <>
            <dt className="font-medium text-slate-500">Request</dt>
            <dd className="font-mono break-all">{e.requestId}</dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-500">Seq</dt>
        <dd>{e.seq}</dd>
        <dt className="font-medium text-slate-500">Hash</dt>
        <dd className="font-mono break-all">{e.hash.slice(0, 16)}…</dd>
      </dl>
    </details>
  );
}

export function AuditView({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const tz = useTimeZoneName();
  const captionId = useId();
  const members = useQuery(trpc.members.list.queryOptions({ orgId }));
  const people = useMemo(() => new Map((members.data ?? []).map((m) => [m.userId, m])), [members.data]);
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { orgId, limit: PAGE_SIZE, action: action || undefined },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card>
      <FilterBar>
        <SelectField label="Action" name="action" value={action} onChange={(e) => setAction(e.target.value)} className="w-full sm:w-72">
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </SelectField>
      </FilterBar>

      <QueryStates
        query={events}
        loading="Loading audit events"
        rows={5}
        retry
        isEmpty={() => items.length === 0}
        empty={
          <EmptyState icon="audit" title={action ? "No events of this kind" : "No events yet"}>
            {action ? "Try another action, or show all actions." : "Activity in this organisation will appear here."}
          </EmptyState>
        }
      >
        {() => (
          <>
            <div className="relative overflow-x-auto">
              <table className="w-full min-w-[40rem] text-left text-sm" aria-describedby={captionId}>
                <caption id={captionId} className="sr-only">
                  Audit events, newest first, times in {tz}
                </caption>
                <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-4 py-3 sm:pl-6">
                      Time
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Action
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Actor
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Target
                    </th>
                    <th scope="col" className="px-4 py-3 sm:pr-6">
                      <span className="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 align-top">
                  {items.map((e) => {
                    const actor = actorLabel(e, people);
                    return (
                      <tr key={e.id} className="hover:bg-slate-50/60">
                        <td className="px-4 py-3 whitespace-nowrap text-slate-700 sm:pl-6">
                          <LocalTime iso={e.occurredAt} seconds />
                        </td>
                        <td className="px-4 py-3">
                          <span className="block font-medium text-slate-900">{auditActionLabel(e.action)}</span>
                          <Badge className="mt-1 font-mono">{e.action}</Badge>
                        </td>
                        <td className="px-4 py-3">
                          <span className="block max-w-56 truncate text-slate-900">{actor.primary}</span>
                          {actor.secondary ? <span className="block max-w-56 truncate text-xs text-slate-500">{actor.secondary}</span> : null}
                        </td>
                        <td className="px-4 py-3 text-slate-700">
                          <span className="block max-w-56 truncate">{targetLabel(e, people)}</span>
                        </td>
                        <td className="px-4 py-3 sm:pr-6">
                          <Details e={e} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <LoadMoreFooter pager={events} summary={showing(items.length, "event", "events")} end="End of log" announce />
          </>
        )}
      </QueryStates>
    </Card>
  );
}
