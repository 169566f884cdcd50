import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid, parseBrowseQuery } from "~/lib/catalogue";
import { getQueryClient, HydrateClient, trpc } from "~/server/trpc";
import { getOrgContext } from "~/server/viewer";
import { FolderView } from "./folder-view";

/** A tRPC NOT_FOUND as the server-side caller throws it (a TRPCError, whose `code` is on the error itself). */
function isNotFoundError(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "NOT_FOUND";
}

export const metadata: Metadata = { title: "Browse backup" };

export default async function UnitBrowsePage({ params, searchParams }: { params: Promise<{ orgId: string; unitId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgId, unitId } = await params;
  const { organization } = await getOrgContext(orgId);
  if (!isUuid(unitId)) notFound();
  const { path, asOf } = parseBrowseQuery(await searchParams);
  const unitQuery = trpc.catalogue.unit.queryOptions({ orgId, id: unitId });
  if (organization.selfService) {
    // Someone else's unit is, for a self-service person, a page that does not exist: a real 404 like
    // every other page that is not theirs (ADR 0016), not an in-page message. Other errors are left to the view.
    await getQueryClient()
      .fetchQuery(unitQuery)
      .catch((err: unknown) => {
        if (isNotFoundError(err)) notFound();
      });
  } else {
    // The view shows loading, not-found and error states itself; prefetching only saves a round trip.
    await getQueryClient().prefetchQuery(unitQuery);
  }
  return (
    <HydrateClient>
      <FolderView key={`${path}|${asOf ?? ""}`} orgId={orgId} unitId={unitId} path={path} asOf={asOf} />
    </HydrateClient>
  );
}
