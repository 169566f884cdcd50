import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { MembersView } from "./members-view";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role, userId, organization } = await requireMemberOrg(orgId);
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpc.members.list.queryOptions({ orgId })),
    atLeast(role, "admin") ? qc.prefetchQuery(trpc.members.invitations.queryOptions({ orgId })) : null,
  ]);
  return (
    <>
      <PageHeader title="Members" description="People who can sign in to this organisation, and what each of them may do." />
      <HydrateClient>
        <MembersView orgId={orgId} myRole={role} myUserId={userId} closed={organization.closedAt !== null} />
      </HydrateClient>
    </>
  );
}
