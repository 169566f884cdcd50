import type { ReactNode } from "react";
import { AppShell } from "~/components/shell/app-shell";
import { getOrgContext } from "~/server/viewer";

export const dynamic = "force-dynamic";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { profile, organizations } = await getOrgContext(orgId);
  return (
    <AppShell user={profile} organizations={organizations} currentOrgId={orgId}>
      {children}
    </AppShell>
  );
}
