import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid, parseBrowseQuery } from "~/lib/catalogue";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { FolderView } from "./folder-view";

export const metadata: Metadata = { title: "Browse backup" };

export default async function UnitBrowsePage({ params, searchParams }: { params: Promise<{ orgId: string; unitId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId, unitId } = await params;
  await getOrgContext(orgId);
  if (!isUuid(unitId)) notFound();
  const { path, asOf } = parseBrowseQuery(await searchParams);
  // The view shows loading, not-found and error states itself; prefetching only saves a round trip.
  await getQueryClient().prefetchQuery(trpc.catalogue.unit.queryOptions({ orgId, id: unitId }));
  return (
    <HydrateClient>
      <FolderView key={`${path}|${asOf ?? ""}`} orgId={orgId} unitId={unitId} path={path} asOf={asOf} />
    </HydrateClient>
  );
}
