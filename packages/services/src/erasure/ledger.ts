// What the vault's erasure ledger records for an executed `items.erase` request (docs/vault-format.md
// §15, ADR 0023): the erased items' unit (the catalogue's unit id, which every snapshot manifest of
// the unit names) and external id, read under the tenant's RLS. The worker turns them into keyed
// hashes in the vault; they are never logged nor passed through workflow payloads.
import { and, eq, guardedRequests, items, withTenant, type Database } from "@holdfast/db";

export interface ErasureLedgerInput {
  requestId: string;
  executedAt: Date;
  /** `unit` is units.id (the manifest's `unit`), `externalId` the item's (the manifest item's `meta.externalId`). */
  items: { unit: string; externalId: string }[];
}

/**
 * The ledger entry of an executed erasure request; null when the request is not an executed
 * `items.erase` (another kind, still pending, failed) or not this tenant's.
 */
export async function erasureLedgerInput(db: Database, tenantId: string, requestId: string): Promise<ErasureLedgerInput | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ kind: guardedRequests.kind, status: guardedRequests.status, executedAt: guardedRequests.executedAt })
      .from(guardedRequests)
      .where(and(eq(guardedRequests.id, requestId), eq(guardedRequests.tenantId, tenantId)));
    if (!row || row.kind !== "items.erase" || row.status !== "executed" || !row.executedAt) return null;
    // The guard stamps exactly the items this request erased (one erased earlier keeps its own request).
    const erased = await tx
      .select({ unit: items.unitId, externalId: items.externalId })
      .from(items)
      .where(and(eq(items.tenantId, tenantId), eq(items.erasedByRequestId, requestId)));
    return { requestId, executedAt: row.executedAt, items: erased };
  });
}
