import type { Metadata } from "next";
import { LegalHoldsCard } from "~/components/retention/legal-holds-card";
import { OverridesCard } from "~/components/retention/overrides-card";
import { PolicyCard } from "~/components/retention/policy-card";
import { PageHeader } from "~/components/ui/card";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";

export const metadata: Metadata = { title: "Retention" };

/**
 * How long backups are kept (ADR 0018): the organisation's policy, the sources and accounts with
 * their own, and legal holds. Members only (self-service gets a 404); every member reads it, only
 * admins and owners change the policy or place and release holds (the service refuses anyone else as
 * well); shortening and releasing become guarded requests (ADR 0020).
 */
export default async function RetentionPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role } = await requireMemberOrg(orgId);
  const canManage = atLeast(role, "admin");
  // Each card shows its own loading and error states; prefetching only saves the round trips.
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpc.retention.get.queryOptions({ orgId })),
    qc.prefetchQuery(trpc.retention.overrides.queryOptions({ orgId })),
    qc.prefetchQuery(trpc.retention.legalHolds.list.queryOptions({ orgId })),
  ]);
  return (
    <>
      <PageHeader
        title="Retention"
        description={
          canManage
            ? "How long backups are kept, and what is kept whatever the policy says. Retention can be lengthened at once; shortening it or releasing a hold waits for a second person's approval and a cooling-off delay."
            : "How long backups are kept, and what is kept whatever the policy says. Only an admin or owner can change it."
        }
      />
      <HydrateClient>
        <div className="space-y-6">
          <PolicyCard orgId={orgId} canManage={canManage} />
          <OverridesCard orgId={orgId} />
          <LegalHoldsCard orgId={orgId} canManage={canManage} />
        </div>
      </HydrateClient>
    </>
  );
}
