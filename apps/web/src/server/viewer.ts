import { notFound } from "next/navigation";
import { cache } from "react";
import { requireUserId } from "./auth";
import { serverCaller, serverContext } from "./trpc";

/** Who is looking, and which organisations they can switch between (once per request). */
export const getViewer = cache(async (returnTo: string) => {
  const userId = await requireUserId(returnTo);
  const caller = await serverCaller();
  const [profile, organizations] = await Promise.all([caller.me.profile(), caller.me.organizations()]);
  return { userId, profile, organizations };
});

/** The organisation in the URL, which the viewer must belong to; anything else is a 404. */
export const getOrgContext = cache(async (orgId: string) => {
  const viewer = await getViewer(`/o/${orgId}`);
  const organization = viewer.organizations.find((o) => o.id === orgId);
  if (!organization) {
    (await serverContext()).log.warn({ userId: viewer.userId, orgId, reason: "not a member of the organisation" }, "tenant access denied");
    notFound();
  }
  return { ...viewer, organization, role: organization.role };
});

/**
 * The organisation in the URL, for pages only members may see (overview, sources, members, API keys,
 * audit, settings). A self-service viewer gets the same 404 as a stranger (ADR 0016): these pages do
 * not exist for them, and the services would refuse every call on them anyway.
 */
export const requireMemberOrg = cache(async (orgId: string) => {
  const context = await getOrgContext(orgId);
  if (context.organization.selfService) {
    (await serverContext()).log.warn({ userId: context.userId, orgId, reason: "member-only page, self-service access" }, "tenant access denied");
    notFound();
  }
  return context;
});
