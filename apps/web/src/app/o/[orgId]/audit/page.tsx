import type { Metadata } from "next";
import { Card, PageHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { atLeast } from "~/lib/roles";
import { requireMemberOrg } from "~/server/viewer";
import { AuditView } from "./audit-view";
import { DigestsCard } from "./digests-card";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { role } = await requireMemberOrg(orgId);
  const header = (
    <PageHeader title="Audit log" description="Every sign-in, membership change and key operation in this organisation. Entries are hash-chained and cannot be edited or deleted." />
  );
  if (!atLeast(role, "admin")) {
    return (
      <>
        {header}
        <Card>
          <EmptyState icon="lock" title="Only admins can read the audit log">
            Ask an owner or admin of this organisation if you need to review activity.
          </EmptyState>
        </Card>
        <DigestsCard orgId={orgId} canExport={false} />
      </>
    );
  }
  return (
    <>
      {header}
      <AuditView orgId={orgId} />
      <DigestsCard orgId={orgId} canExport />
    </>
  );
}
