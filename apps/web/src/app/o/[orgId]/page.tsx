import type { Metadata } from "next";
import { Icon, type IconName } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { RoleBadge } from "~/components/ui/badge";
import { ButtonLink } from "~/components/ui/button";
import { Card, CardHeader, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { atLeast, ROLE_DESCRIPTION } from "~/lib/roles";
import { serverCaller } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";

export const metadata: Metadata = { title: "Overview" };

function Stat({ label, value, icon, hint }: { label: string; value: string | number; icon: IconName; hint?: string }) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5">
      <div className="flex items-center justify-between">
        <dt className="text-sm font-medium text-slate-500">{label}</dt>
        <Icon name={icon} className="hidden size-5 shrink-0 text-slate-400 sm:block" />
      </div>
      <dd className="mt-2 text-2xl font-semibold sm:mt-3 sm:text-3xl tracking-tight text-slate-900">{value}</dd>
      {hint ? <dd className="mt-1 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

export default async function OverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { organization, role, profile } = await getOrgContext(orgId);
  const caller = await serverCaller();
  const admin = atLeast(role, "admin");
  const [members, invitations, apiKeys] = await Promise.all([
    caller.members.list({ orgId }),
    admin ? caller.members.invitations({ orgId }) : Promise.resolve(null),
    admin ? caller.apiKeys.list({ orgId }) : Promise.resolve(null),
  ]);
  const activeKeys = apiKeys?.filter((k) => !k.revokedAt && (!k.expiresAt || new Date(k.expiresAt) > new Date())).length;
  const base = `/o/${orgId}`;

  return (
    <div className="space-y-8">
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

      <section aria-labelledby="at-a-glance">
        <h2 id="at-a-glance" className="sr-only">
          At a glance
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:gap-4 xl:grid-cols-4">
          <Stat label="Members" value={members.length} icon="users" hint={`${members.filter((m) => m.mfaEnabled).length} with two-factor on`} />
          {invitations ? <Stat label="Pending invitations" value={invitations.length} icon="mail" /> : null}
          {activeKeys !== undefined ? <Stat label="Active API keys" value={activeKeys} icon="key" /> : null}
          <Stat label="Protected sources" value={0} icon="database" hint="Connectors arrive soon" />
        </dl>
      </section>

      <Card aria-labelledby="sources-heading">
        <CardHeader id="sources-heading" title="Sources" description="The accounts Holdfast backs up into your vault." />
        <EmptyState
          icon="cloud"
          title="No sources yet — connectors arrive soon"
          actions={
            admin ? (
              <>
                <ButtonLink href={`${base}/members`} variant="secondary">
                  <Icon name="users" className="size-4" />
                  Invite your team
                </ButtonLink>
                <ButtonLink href={`${base}/api-keys`} variant="secondary">
                  <Icon name="key" className="size-4" />
                  Create an API key
                </ButtonLink>
              </>
            ) : undefined
          }
        >
          Google Workspace, Microsoft 365, Salesforce and AWS connectors are on their way. Each backup will be an immutable snapshot in a vault at a second provider.
          {admin ? " Meanwhile, invite the people who will manage backups and set up API access." : ""}
        </EmptyState>
      </Card>
    </div>
  );
}
