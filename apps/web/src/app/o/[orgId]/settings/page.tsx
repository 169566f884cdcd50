import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { WebhooksCard } from "~/components/webhooks/webhooks-card";
import { atLeast } from "~/lib/roles";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { requireMemberOrg } from "~/server/viewer";
import { CloseOrganizationCard } from "./close-organization-card";
import { GuardDelayCard } from "./guard-delay-card";
import { SelfServiceCard } from "./self-service-card";
import { VaultCredentialsCard } from "./vault-credentials-card";

export const metadata: Metadata = { title: "Settings" };

/**
 * The organisation's settings. Members only (a self-service viewer gets a 404); every member may
 * read them, only admins and owners change them (the service refuses anyone else as well).
 */
export default async function SettingsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { organization, role } = await requireMemberOrg(orgId);
  const canManage = atLeast(role, "admin");
  // Each card shows its own loading and error states; prefetching only saves the round trips.
  const qc = getQueryClient();
  // Webhooks only for those who may read them, so a refusal is not prefetched for the others.
  await Promise.all([
    qc.prefetchQuery(trpc.organization.selfService.queryOptions({ orgId })),
    qc.prefetchQuery(trpc.guard.settings.queryOptions({ orgId })),
    qc.prefetchQuery(trpc.sources.vault.status.queryOptions({ orgId })),
    canManage ? qc.prefetchQuery(trpc.webhooks.list.queryOptions({ orgId })) : undefined,
  ]);
  return (
    <>
      <PageHeader
        title="Settings"
        description={canManage ? `How ${organization.name} works for the people it protects.` : `How ${organization.name} works for the people it protects. Only an admin or owner can change these.`}
      />
      <HydrateClient>
        <div className="space-y-6">
          <SelfServiceCard orgId={orgId} canManage={canManage} />
          <GuardDelayCard orgId={orgId} isOwner={role === "owner"} />
          <VaultCredentialsCard orgId={orgId} canManage={canManage} />
          <WebhooksCard orgId={orgId} canManage={canManage} />
          {/* The danger zone last, and only for owners: closing is an owner's decision (the service refuses anyone else too). */}
          {role === "owner" ? <CloseOrganizationCard orgId={orgId} name={organization.name} closedAt={organization.closedAt} /> : null}
        </div>
      </HydrateClient>
    </>
  );
}
