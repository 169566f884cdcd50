import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid } from "~/lib/catalogue";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { ItemView } from "./item-view";

export const metadata: Metadata = { title: "Backed-up item" };

export default async function ItemPage({ params, searchParams }: { params: Promise<{ orgId: string; itemId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId, itemId } = await params;
  await getOrgContext(orgId);
  if (!isUuid(itemId)) notFound();
  const raw = (await searchParams).version;
  const version = typeof raw === "string" && isUuid(raw) ? raw : undefined;
  // The view shows loading, not-found and error states itself; prefetching only saves a round trip.
  await getQueryClient().prefetchQuery(trpc.catalogue.items.versions.queryOptions({ orgId, id: itemId }));
  return (
    <HydrateClient>
      <ItemView orgId={orgId} itemId={itemId} {...(version ? { versionId: version } : {})} />
    </HydrateClient>
  );
}
