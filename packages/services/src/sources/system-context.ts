import type { Database } from "@holdfast/db";
import type { TenantContext } from "../context";

/**
 * Worker-side writes (Temporal activities) act as the `system` actor inside one tenant, with the
 * operator role: they may run backups and write the catalogue, but not change protection or
 * membership. Their audit rows name the worker, as operator bootstrap names the operator.
 */
export function systemContext(db: Database, tenantId: string, workerId: string): TenantContext {
  return { db, tenantId, actor: { type: "system", id: workerId }, role: "operator" };
}
