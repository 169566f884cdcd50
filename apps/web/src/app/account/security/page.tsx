import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppShell } from "~/components/shell/app-shell";
import { PageHeader } from "~/components/ui/card";
import { getViewer } from "~/server/viewer";
import { SecurityView } from "./security-view";

export const metadata: Metadata = { title: "Account security" };
export const dynamic = "force-dynamic";

export default async function SecurityPage() {
  const { profile, organizations } = await getViewer("/account/security");
  const home = organizations[0];
  if (!home) redirect("/");
  return (
    <AppShell user={profile} organizations={organizations} currentOrgId={home.id}>
      <PageHeader title="Account security" description={`Sign-in protection for ${profile.email}. These settings apply in every organisation you belong to.`} />
      <SecurityView mfaEnabled={profile.mfaEnabled} email={profile.email} signInWith={profile.signInWith} />
    </AppShell>
  );
}
