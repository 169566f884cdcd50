// The guard ports, wired to the real system (docs/adr/0020-guarded-requests.md): reads and
// announcements as the application role under RLS; approval, execution and expiry with the guard's
// own credential, which can only call the guard's definer functions. Every guard call first reads
// the request under the workflow's tenant, so a request id of another tenant is never acted on.
import type { Database } from "@holdfast/db";
import { announceGuardedRequest, guardApply, guardApprove, guardExpire, GuardRefusedError, loadGuardedRequestState, sourceRemovedByRequest, sourcesClosedByRequest } from "@holdfast/services";
import type { GuardPorts } from "@holdfast/workflows/activities";

export interface GuardPortsOptions {
  /** The application role's connection (RLS). */
  db: Database;
  /** The holdfast_guard role's connection. */
  guardDb: Database;
  /** The console's public URL, for the links in the announcements. */
  publicUrl?: string;
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
  };
}
