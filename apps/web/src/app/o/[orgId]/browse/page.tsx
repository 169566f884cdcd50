import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { SearchForm } from "~/components/catalogue/search-form";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { UnitPicker } from "./unit-picker";

export const metadata: Metadata = { title: "Browse & restore" };

export default async function BrowsePage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  await getOrgContext(orgId);
  // The picker shows its own loading and error states; prefetching only saves a round trip.
  await getQueryClient().prefetchQuery(trpc.sources.list.queryOptions({ orgId }));
  return (
    <>
      <PageHeader title="Browse & restore" description="Pick a mailbox, drive, calendar or site to see it as it was at any backup, or search every backed-up version at once." />
      <SearchForm orgId={orgId} initial={{}} className="mb-6" />
      <HydrateClient>
        <UnitPicker orgId={orgId} />
      </HydrateClient>
    </>
  );
}
