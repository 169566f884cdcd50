// What the protection check needs: the worker wires these to @holdfast/services' alerts, as each
// tenant's system actor under RLS.
export interface ProtectionPorts {
  /** Tenants with a source that is or was connected. */
  tenants(): Promise<string[]>;
  check(tenantId: string): Promise<{ opened: number; resolved: number; open: number }>;
}
