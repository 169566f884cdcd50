import type { Metadata } from "next";
import { ButtonLink } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { parseWizardQuery } from "~/lib/jobs";
import { atLeast, ROLE_LABEL } from "~/lib/roles";
import { getOrgContext } from "~/server/viewer";
import { RestoreWizard } from "./restore-wizard";

export const metadata: Metadata = { title: "Restore" };

export default async function RestorePage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId } = await params;
  const { role, organization } = await getOrgContext(orgId);
  const query = parseWizardQuery(await searchParams);
  if (!query.unitId) {
    return (
      <>
        <PageHeader title={query.mode === "export" ? "Export" : "Restore"} />
        <Card>
          <EmptyState icon="restore" title="Choose what to restore first" actions={<ButtonLink href={`/o/${orgId}/browse`}>Browse backups</ButtonLink>}>
            {organization.selfService ? "Pick one of your accounts" : "Pick an account"}, then the items or folders you want back and the point in time, and choose Restore or Export there.
          </EmptyState>
        </Card>
      </>
    );
  }
  // No time in the link means "as things are now": fixed here, once, so a reload restores the same state.
  const initial = { ...query, unitId: query.unitId, asOf: query.asOf ?? new Date().toISOString() };
  // Self-service people restore and export their own units (the services check which); members need operator.
  const canRestore = organization.selfService || atLeast(role, "operator");
  return <RestoreWizard orgId={orgId} initial={initial} canRestore={canRestore} roleLabel={ROLE_LABEL[role]} selfService={organization.selfService} />;
}
