// Removing a webhook endpoint silences a channel an intruder would want silent, so it is always a
// guarded request (`webhook.remove`, docs/adr/0020): announced, approved by a second person, run by
// the guard after the delay. The guard sets `disabled_at` and fails the endpoint's pending deliveries.
import { withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { conflict } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { findEndpoint } from "./guards";

export async function removeWebhook(ctx: TenantContext, endpointId: string, deps: GuardDeps): Promise<GuardedRequestView> {
  requireRole(ctx, "admin", "Removing a webhook endpoint");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const endpoint = await findEndpoint(tx, ctx.tenantId, endpointId);
    if (endpoint.disabledAt) throw conflict(`This webhook endpoint was already removed on ${endpoint.disabledAt.toISOString().slice(0, 10)}`);
    return insertGuardedRequest(tx, ctx, {
      kind: "webhook.remove",
      params: { endpointId: endpoint.id },
      summary: `Remove the webhook endpoint ${endpoint.url} (announcements would no longer be sent there)`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}
