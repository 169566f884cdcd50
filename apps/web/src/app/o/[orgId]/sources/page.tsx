import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { ConnectSourceButton } from "./connect-button";
import { SourcesView } from "./sources-view";

export const metadata: Metadata = { title: "Sources" };

export default async function SourcesPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role, organization } = await requireMemberOrg(orgId);
  // A closed organisation connects nothing new (the service answers 409 too); the shell says why.
  const canConnect = atLeast(role, "admin") && !organization.closedAt;
  await getQueryClient().prefetchQuery(trpc.sources.list.queryOptions({ orgId }));
  return (
    <>
      <PageHeader
        title="Sources"
        description="The Google Workspace and Microsoft 365 accounts Holdfast backs up, and how their last backups went."
        actions={
          canConnect ? (
            <ConnectSourceButton orgId={orgId} />
          ) : null
        }
      />
      <HydrateClient>
        <SourcesView orgId={orgId} canConnect={canConnect} />
      </HydrateClient>
    </>
  );
}
