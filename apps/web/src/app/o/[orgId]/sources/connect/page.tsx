import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { ConnectView } from "./connect-view";

export const metadata: Metadata = { title: "Connect a source" };

export default async function ConnectSourcePage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role, organization } = await requireMemberOrg(orgId);
  const header = (
    <PageHeader
      title="Connect a source"
      description={
        <>
          The provider&apos;s administrator approves Holdfast&apos;s access on the provider&apos;s own page; you come back here and the first backup starts.{" "}
          <Link href={`/o/${orgId}/sources`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Back to sources
          </Link>
        </>
      }
    />
  );
  if (!atLeast(role, "admin")) {
    return (
      <>
        {header}
        <Card>
          <EmptyState icon="lock" title="Only admins can connect sources">
            Ask an owner or admin of this organisation to connect Google Workspace or Microsoft 365.
          </EmptyState>
        </Card>
      </>
    );
  }
  if (organization.closedAt) {
    return (
      <>
        {header}
        <Card>
          <EmptyState icon="lock" title="This organisation is closed">
            No source can be connected to a closed organisation. Its backups can still be browsed and exported until their retention ends.
          </EmptyState>
        </Card>
      </>
    );
  }
  await getQueryClient().prefetchQuery(trpc.sources.vault.status.queryOptions({ orgId }));
  return (
    <>
      {header}
      <HydrateClient>
        <ConnectView orgId={orgId} isOwner={role === "owner"} />
      </HydrateClient>
    </>
  );
}
