// Removing a source (issue 7): destructive, so always a guarded request (docs/adr/0020-guarded-requests.md):
// a second person approves it with a fresh second factor, it waits out the cooling-off delay, and
// every admin is told at each step. Only the guard carries it out (`holdfast_guard_apply`): the
// source stops being backed up and its credentials are deleted; its backups stay restorable
// (browse, search, restore, export) until each snapshot's retention date, then are swept as usual.
import { and, eq, guardedRequests, withTenant, type Database } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { API_PROVIDER } from "./create";
import { findSource, sourceRemovedError } from "./guards";

const PROVIDER_NAME = { google_workspace: "Google Workspace", microsoft_365: "Microsoft 365", salesforce: "Salesforce", aws: "AWS" } as const;

/** Asks for the source's removal; nothing changes until the request is approved and its delay has passed. */
export async function removeSource(ctx: TenantContext, sourceId: string, deps: GuardDeps): Promise<GuardedRequestView> {
  requireRole(ctx, "admin", "Removing a source");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const source = await findSource(tx, ctx.tenantId, sourceId);
    if (source.status === "removed") throw sourceRemovedError(source, "there is nothing left to remove");
    return insertGuardedRequest(tx, ctx, {
      kind: "source.remove",
      params: { sourceId: source.id },
      summary: `Remove the source "${source.displayName}" (${PROVIDER_NAME[API_PROVIDER[source.provider]]}): no more backups, its credentials deleted; its backups stay restorable until their retention dates`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}

/**
 * The source an executed `source.remove` request removed, or null for any other request (another
 * kind, or not executed): the worker then deletes that source's backup schedule.
 */
export async function sourceRemovedByRequest(db: Database, tenantId: string, requestId: string): Promise<string | null> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select({ kind: guardedRequests.kind, status: guardedRequests.status, params: guardedRequests.params })
      .from(guardedRequests)
      .where(and(eq(guardedRequests.id, requestId), eq(guardedRequests.tenantId, tenantId))),
  );
  if (!row || row.kind !== "source.remove" || row.status !== "executed") return null;
  const sourceId = (row.params as { sourceId?: unknown }).sourceId;
  return typeof sourceId === "string" ? sourceId : null;
}
