// Erasing items from backups (issue 7, e.g. a GDPR erasure request): destructive, so always a
// guarded request (docs/adr/0020-guarded-requests.md): a second person approves it with a fresh
// second factor, it waits out the cooling-off delay, and every admin is told at each step. Only the
// guard carries it out (`holdfast_guard_apply`, `items.erase`): each item and every version of it
// is marked erased and its name, path and metadata scrubbed, and from then on every reader skips
// it. The vault's bytes cannot be deleted early (compliance lock): they stay, beyond use, until
// their retention date and then go with the normal sweep (docs/adr/0023).
import { and, eq, inArray, items, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { DomainError } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { RequestErasureInput } from "./types";

/** The reason as the summary quotes it; the whole reason is in the params. */
const SUMMARY_REASON_MAX = 300;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function listed(ids: readonly string[]): string {
  return `${ids.slice(0, 5).join(", ")}${ids.length > 5 ? `, … (${ids.length} in all)` : ""}`;
}

/**
 * "Erase 2 items from backups — reason: GDPR request #1234". The items' names are deliberately not
 * in it: the request's row, its audit events (an append-only, hash-chained log) and the emails and
 * webhooks announcing it would otherwise keep exactly the personal data being erased. Approvers see
 * the count and the reason, and the item ids in the request's parameters.
 */
export function erasureSummary(count: number, reason: string): string {
  return `Erase ${count} ${count === 1 ? "item" : "items"} from backups — reason: ${truncate(reason, SUMMARY_REASON_MAX)}`;
}

/**
 * Asks for the items' erasure; nothing changes until the request is approved and its delay has
 * passed. Unknown ids (another organisation's included) are NOT_FOUND, naming them; an item already
 * erased is a CONFLICT, naming it and when.
 */
export async function requestErasure(ctx: TenantContext, raw: RequestErasureInput, deps: GuardDeps): Promise<GuardedRequestView> {
  const input = RequestErasureInput.parse(raw);
  requireRole(ctx, "admin", "Erasing items from backups");
  const itemIds = [...new Set(input.itemIds.map((id) => id.toLowerCase()))];
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const found = await tx
      .select({ id: items.id, erasedAt: items.erasedAt })
      .from(items)
      .where(and(eq(items.tenantId, ctx.tenantId), inArray(items.id, itemIds)));
    const byId = new Map(found.map((f) => [f.id, f]));
    const missing = itemIds.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new DomainError("NOT_FOUND", `${missing.length === 1 ? "Item" : `${missing.length} items`} not found: ${listed(missing)}`, { itemIds: missing.slice(0, 100) });
    }
    const erased = found.filter((f) => f.erasedAt !== null);
    const first = erased[0];
    if (first) {
      const more = erased.length > 1 ? ` (and ${erased.length - 1} more of those named: ${listed(erased.slice(1).map((e) => e.id))})` : "";
      throw new DomainError("CONFLICT", `Item ${first.id} was already erased from backups on ${first.erasedAt?.toISOString().slice(0, 10)}${more}; leave it out of the request`, {
        itemIds: erased.map((e) => e.id).slice(0, 100),
      });
    }
    return insertGuardedRequest(tx, ctx, {
      kind: "items.erase",
      params: { itemIds, reason: input.reason },
      summary: erasureSummary(itemIds.length, input.reason),
    });
  });
  return startGuardedRequest(ctx, row, deps);
}
