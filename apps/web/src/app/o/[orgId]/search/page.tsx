import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { parseSearchQuery } from "~/lib/catalogue";
import { getOrgContext } from "~/server/viewer";
import { SearchView } from "./search-view";

export const metadata: Metadata = { title: "Search backups" };

export default async function SearchPage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId } = await params;
  await getOrgContext(orgId);
  const query = parseSearchQuery(await searchParams);
  return (
    <>
      <PageHeader title="Search backups" description="Every version of every item ever backed up — including deleted and overwritten ones. Pick results to restore or export them." />
      <SearchView key={JSON.stringify(query)} orgId={orgId} query={query} />
    </>
  );
}
