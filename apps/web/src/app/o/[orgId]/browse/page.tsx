import type { Metadata } from "next";
import { PageHeader } from "~/components/ui/card";
import { SearchForm } from "~/components/catalogue/search-form";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { OwnUnitPicker, UnitPicker } from "./unit-picker";

export async function generateMetadata({ params }: { params: Promise<{ orgId: string }> }): Promise<Metadata> {
  const { organization } = await getOrgContext((await params).orgId);
  return { title: organization.selfService ? "My data" : "Browse & restore" };
}

export default async function BrowsePage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { organization } = await getOrgContext(orgId);
  // The pickers show their own loading and error states; prefetching only saves a round trip.
  if (organization.selfService) {
    await getQueryClient().prefetchQuery(trpc.catalogue.ownUnits.queryOptions({ orgId }));
    return (
      <>
        <PageHeader
          title="My data"
          description={`Your own mail, files and calendars as ${organization.name} backs them up. Open one to see it as it was at any backup, then restore or download what you need.`}
        />
        <SearchForm orgId={orgId} initial={{}} className="mb-6" />
        <HydrateClient>
          <OwnUnitPicker orgId={orgId} />
        </HydrateClient>
      </>
    );
  }
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
