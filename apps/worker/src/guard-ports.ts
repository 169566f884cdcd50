// The guard ports, wired to the real system (docs/adr/0020-guarded-requests.md): reads and
// announcements as the application role under RLS; approval, execution and expiry with the guard's
// own credential, which can only call the guard's definer functions. Every guard call first reads
// the request under the workflow's tenant, so a request id of another tenant is never acted on.
import type { Database } from "@holdfast/db";
import {
  announceGuardedRequest,
  erasureLedgerInput,
  guardApply,
  guardApprove,
  guardExpire,
  GuardRefusedError,
  loadGuardedRequestState,
  sourceRemovedByRequest,
  sourcesClosedByRequest,
  systemContext,
} from "@holdfast/services";
import { openTenantVault, rotateTenantVaultCredentials } from "@holdfast/services/vaults";
import type { Vault } from "@holdfast/vault";
import type { GuardPorts } from "@holdfast/workflows/activities";

export interface GuardPortsOptions {
  /** The worker's connection (RLS): its role alone may store a rotation's new vault identities. */
  db: Database;
  /** The holdfast_guard role's connection. */
  guardDb: Database;
  /** The console's public URL, for the links in the announcements. */
  publicUrl?: string;
  /** The actor id the vault is opened as (system actor). */
  workerId?: string;
  /** Opens the tenant's vault with its writer identity; default: the catalogue's vault row (openTenantVault). */
  openWriterVault?: (tenantId: string) => Promise<Vault>;
}

async function refusalOr<T>(fn: () => Promise<T>): Promise<T | { refused: { code: GuardRefusedError["code"]; message: string } }> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GuardRefusedError) return { refused: { code: err.code, message: err.message } };
    throw err;
  }
}

export function createGuardPorts(opts: GuardPortsOptions): GuardPorts {
  const { db, guardDb } = opts;
  const openWriterVault = opts.openWriterVault ?? ((tenantId: string) => openTenantVault(systemContext(db, tenantId, opts.workerId ?? "guard-worker"), "writer"));
  return {
    load: (tenantId, requestId) => loadGuardedRequestState(db, tenantId, requestId),
    async approve(tenantId, requestId, userId) {
      await loadGuardedRequestState(db, tenantId, requestId);
      return refusalOr(() => guardApprove(guardDb, requestId, userId));
    },
    async apply(tenantId, requestId) {
      await loadGuardedRequestState(db, tenantId, requestId);
      return refusalOr(() => guardApply(guardDb, requestId));
    },
    async expire(tenantId, requestId) {
      await loadGuardedRequestState(db, tenantId, requestId);
      return guardExpire(guardDb, requestId);
    },
    async announce(tenantId, requestId, event) {
      await announceGuardedRequest(db, tenantId, requestId, event, opts.publicUrl ? { publicUrl: opts.publicUrl } : {});
    },
    sourceRemovedBy: (tenantId, requestId) => sourceRemovedByRequest(db, tenantId, requestId),
    sourcesClosedBy: (tenantId, requestId) => sourcesClosedByRequest(db, tenantId, requestId),
    // The erased items' ids go from the catalogue straight into keyed hashes in the vault (§15):
    // only counts come back, so nothing of them reaches a log or a workflow payload.
    async recordErasure(tenantId, requestId) {
      const input = await erasureLedgerInput(db, tenantId, requestId);
      if (!input) return null;
      if (input.items.length === 0) return { items: 0, written: false }; // nothing carries it: nothing to hide
      const vault = await openWriterVault(tenantId);
      try {
        const r = await vault.recordErasure(requestId, { executedAt: input.executedAt, items: input.items });
        return { items: input.items.length, written: r.written };
      } finally {
        await vault.close();
      }
    },
    // The new identities go from the provider straight into the catalogue, sealed: only the
    // number of identities deleted comes back, so no key reaches a log or a workflow payload.
    async rotateVaultCredentials(tenantId, requestId) {
      const r = await rotateTenantVaultCredentials(db, tenantId, requestId, opts.workerId ?? "guard-worker");
      return r ? { rotated: r.rotated, deleted: r.deleted.length } : null;
    },
  };
}
