import type { Metadata } from "next";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { JobView } from "./job-view";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ orgId: string; jobId: string }> }) {
  const { orgId, jobId } = await params;
  const { role } = await getOrgContext(orgId);
  // The view shows loading, not-found and error states itself; prefetching only saves a round trip.
  await getQueryClient().prefetchQuery(trpc.catalogue.jobs.get.queryOptions({ orgId, id: jobId }));
  return (
    <HydrateClient>
      <JobView orgId={orgId} jobId={jobId} canDownload={atLeast(role, "operator")} />
    </HydrateClient>
  );
}
