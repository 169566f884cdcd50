import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { getOrgContext } from "~/server/viewer";
import { JobsView } from "./jobs-view";

export const metadata: Metadata = { title: "Jobs" };

const KINDS = new Set(["backup", "restore", "export"]);

export default async function JobsPage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId } = await params;
  const query = await searchParams;
  await getOrgContext(orgId);
  const kind = typeof query.kind === "string" && KINDS.has(query.kind) ? (query.kind as "backup" | "restore" | "export") : null;
  return (
    <>
      <PageHeader title="Jobs" description="Every backup, restore and export in this organisation, newest first. Running jobs update as they go." />
      <JobsView orgId={orgId} initialKind={kind} />
    </>
  );
}
