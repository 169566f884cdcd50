// Closing an organisation (issue 7): the most destructive thing an owner can do, so always a guarded
// request (docs/adr/0020-guarded-requests.md): a second person approves it with a fresh second
// factor, it waits out the cooling-off delay, and every admin is told at each step. Only the guard
// carries it out (`holdfast_guard_apply`): closed_at set, every source removed (no more backups,
// credentials deleted), every API key revoked. Members, the audit log and the backups stay, readable
// and exportable until their retention dates, then swept as usual. There is no reopening.
import { and, eq, guardedRequests, organizations, sources, withTenant, type Database } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { notFound, validation } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { organizationClosedError } from "./closed";

export const CloseOrganizationInput = z
  .object({
    /** The organisation's name, typed by the owner: exactly, so a slip of the finger closes nothing. */
    confirmName: z.string().max(500, "must be at most 500 characters"),
  })
  .strict();
export type CloseOrganizationInput = z.input<typeof CloseOrganizationInput>;

/** Asks for the organisation's closure (owners only); nothing changes until the request is approved and its delay has passed. */
export async function closeOrganization(ctx: TenantContext, raw: CloseOrganizationInput, deps: GuardDeps): Promise<GuardedRequestView> {
  const input = CloseOrganizationInput.parse(raw);
  requireRole(ctx, "owner", "Closing the organisation");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [org] = await tx.select({ name: organizations.name, closedAt: organizations.closedAt }).from(organizations).where(eq(organizations.id, ctx.tenantId));
    if (!org) throw notFound("Organization");
    if (org.closedAt) throw organizationClosedError(ctx.tenantId, org.closedAt, "there is nothing left to close");
    if (input.confirmName !== org.name) throw validation(`confirmName: type the organisation's name to confirm, exactly as it is written ("${org.name}")`, { field: "confirmName" });
    return insertGuardedRequest(tx, ctx, {
      kind: "organization.close",
      params: {},
      summary: `Close the organisation "${org.name}": every source removed (no more backups, credentials deleted), every API key revoked; backups stay readable and exportable until their retention dates; it cannot be reopened`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}

/**
 * Every source of the tenant when `requestId` is an executed `organization.close` request (none for
 * any other request, or one not executed): the worker then deletes their backup schedules.
 */
export async function sourcesClosedByRequest(db: Database, tenantId: string, requestId: string): Promise<string[]> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ kind: guardedRequests.kind, status: guardedRequests.status })
      .from(guardedRequests)
      .where(and(eq(guardedRequests.id, requestId), eq(guardedRequests.tenantId, tenantId)));
    if (!row || row.kind !== "organization.close" || row.status !== "executed") return [];
    // Sources removed earlier are included: deleting a schedule that is already gone does nothing.
    const rows = await tx.select({ id: sources.id }).from(sources).where(eq(sources.tenantId, tenantId));
    return rows.map((r) => r.id);
  });
}
