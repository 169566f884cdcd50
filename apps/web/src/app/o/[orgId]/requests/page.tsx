import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { RequestsView } from "./requests-view";

export const metadata: Metadata = { title: "Requests" };

/**
 * Guarded requests (ADR 0020): what waits for a second person's approval and the cooling-off
 * delay, and what became of the rest. Members of every role read it (self-service gets a 404);
 * the service decides who may approve or cancel.
 */
export default async function RequestsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  await requireMemberOrg(orgId);
  // Each section shows its own loading and error states; prefetching only saves the round trips.
  const qc = getQueryClient();
  await Promise.all([qc.prefetchQuery(trpc.guard.list.queryOptions({ orgId, filter: "open" })), qc.prefetchQuery(trpc.guard.list.queryOptions({ orgId, filter: "all" }))]);
  return (
    <>
      <PageHeader
        title="Requests"
        description="Destructive and weakening actions wait for a second person's approval and a cooling-off delay; anyone told of them can cancel them until they run."
      />
      <HydrateClient>
        <RequestsView orgId={orgId} />
      </HydrateClient>
    </>
  );
}
