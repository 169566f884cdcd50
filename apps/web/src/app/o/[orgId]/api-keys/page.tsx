import type { Metadata } from "next";
import { Card, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { ApiKeysView } from "./api-keys-view";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role, organization } = await requireMemberOrg(orgId);
  const header = <PageHeader title="API keys" description="Keys let scripts and other systems use the Holdfast REST API as this organisation, with the role you choose." />;
  if (!atLeast(role, "admin")) {
    return (
      <>
        {header}
        <Card>
          <EmptyState icon="lock" title="Only admins can manage API keys">
            Your role in this organisation does not include API keys. Ask an owner or admin if you need one.
          </EmptyState>
        </Card>
      </>
    );
  }
  await getQueryClient().prefetchQuery(trpc.apiKeys.list.queryOptions({ orgId }));
  return (
    <>
      {header}
      <HydrateClient>
        <ApiKeysView orgId={orgId} myRole={role} closed={organization.closedAt !== null} />
      </HydrateClient>
    </>
  );
}
