import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DashboardView } from "~/components/dashboard/dashboard-view";
import { Icon, type IconName } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { RoleBadge } from "~/components/ui/badge";
import { ButtonLink } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { atLeast, ROLE_DESCRIPTION } from "~/lib/roles";
import { getQueryClient, HydrateClient, serverCaller, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";

export const metadata: Metadata = { title: "Overview" };

function TeamStat({ label, value, icon, href }: { label: string; value: string | number; icon: IconName; href?: string }) {
  return (
    <div className="inline-flex items-center gap-2">
      <dt className="inline-flex items-center gap-2 text-slate-500">
        <Icon name={icon} className="size-4 shrink-0 text-slate-400" />
        {label}
      </dt>
      <dd className="font-semibold text-slate-900">
        {href ? (
          <Link href={href} className="rounded-sm underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600">
            {value}
          </Link>
        ) : (
          value
        )}
      </dd>
    </div>
  );
}

export default async function OverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { organization, role, profile } = await getOrgContext(orgId);
  // Self-service people have no overview (it counts members, keys and every source): their home is their own data.
  if (organization.selfService) redirect(`/o/${orgId}/browse`);
  const caller = await serverCaller();
  const admin = atLeast(role, "admin");
  const [members, invitations, apiKeys] = await Promise.all([
    caller.members.list({ orgId }),
    admin ? caller.members.invitations({ orgId }) : Promise.resolve(null),
    admin ? caller.apiKeys.list({ orgId }) : Promise.resolve(null),
    // The overview renders with its data; a failure here leaves the client to show the error state.
    getQueryClient().prefetchQuery(trpc.dashboard.summary.queryOptions({ orgId })),
    getQueryClient().prefetchQuery(trpc.dashboard.drills.queryOptions({ orgId })),
  ]);
  const activeKeys = apiKeys?.filter((k) => !k.revokedAt && (!k.expiresAt || new Date(k.expiresAt) > new Date())).length;
  const base = `/o/${orgId}`;

  return (
    <div className="space-y-6 sm:space-y-8">
      <PageHeader
        title={organization.name}
        description={
          <>
            <span className="inline-flex items-center gap-2">
              Your role: <RoleBadge role={role} />
            </span>
            <span className="mt-1 block text-sm text-slate-500">{ROLE_DESCRIPTION[role]}.</span>
          </>
        }
      />

      {!profile.mfaEnabled ? (
        <Alert
          tone="warning"
          title="Protect your account with two-factor authentication"
          actions={
            <ButtonLink href="/account/security" size="sm" variant="secondary">
              Set up two-factor authentication
            </ButtonLink>
          }
        >
          Anyone who learns your password could sign in as you. A code from an authenticator app stops them.
        </Alert>
      ) : null}

      <HydrateClient>
        {/* A closed organisation connects nothing new (the service answers 409 too). */}
        <DashboardView orgId={orgId} canConnect={admin && !organization.closedAt} />
      </HydrateClient>

      <section aria-labelledby="team-heading" className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200 sm:px-6">
        <h2 id="team-heading" className="sr-only">
          Team
        </h2>
        <dl className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
          <TeamStat label="Members" value={members.length} icon="users" href={`${base}/members`} />
          <TeamStat label="With two-factor on" value={members.filter((m) => m.mfaEnabled).length} icon="shield" />
          {invitations ? <TeamStat label="Pending invitations" value={invitations.length} icon="mail" href={`${base}/members`} /> : null}
          {activeKeys !== undefined ? <TeamStat label="Active API keys" value={activeKeys} icon="key" href={`${base}/api-keys`} /> : null}
        </dl>
      </section>
    </div>
  );
}
