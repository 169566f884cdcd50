import type { Metadata } from "next";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { SourceView, type ConsentOutcome } from "./source-view";

export const metadata: Metadata = { title: "Source" };

const OUTCOMES = new Set<ConsentOutcome>(["declined", "failed", "unavailable"]);

export default async function SourcePage({ params, searchParams }: { params: Promise<{ orgId: string; sourceId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId, sourceId } = await params;
  const query = await searchParams;
  const { role } = await requireMemberOrg(orgId);
  // The view shows loading, not-found and error states itself; prefetching only saves a round trip.
  await getQueryClient().prefetchQuery(trpc.sources.get.queryOptions({ orgId, id: sourceId }));
  const consent = typeof query.consent === "string" && OUTCOMES.has(query.consent as ConsentOutcome) ? (query.consent as ConsentOutcome) : null;
  return (
    <HydrateClient>
      <SourceView orgId={orgId} sourceId={sourceId} canManage={atLeast(role, "admin")} canBackUp={atLeast(role, "operator")} justConnected={query.connected === "1"} consent={consent} />
    </HydrateClient>
  );
}
