// What the protection check needs: the worker wires these to @holdfast/services' alerts, as each
// tenant's system actor under RLS.
export interface ProtectionPorts {
  /** Tenants with a source that is or was connected. */
  tenants(): Promise<string[]>;
  check(tenantId: string): Promise<{ opened: number; resolved: number; open: number }>;
  /**
   * Every tenant's open (pending or approved) guarded requests, oldest first: the check makes sure
   * each has its workflow running, so none waits unannounced (a row written by SQL has none).
   */
  openGuardedRequests(): Promise<{ tenantId: string; requestId: string }[]>;
  /** Audits that one of them had no workflow running and the check started it. */
  guardedRequestStarted(tenantId: string, requestId: string): Promise<void>;
}
