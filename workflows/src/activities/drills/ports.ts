// What the restore drills need: the worker wires these to @holdfast/services' drill verbs (each
// tenant's `system` actor, under RLS) and to the tenant's vault opened with the reader identity.
import type { Vault } from "@holdfast/vault";
import type { DrillItemRef, DrillProblemRecord } from "../../drill-contracts";

export interface DrillPorts {
  /** Tenants with a vault. */
  tenants(): Promise<string[]>;
  /** Opens the drill's row (`running`); its id. */
  start(tenantId: string, now: Date): Promise<string>;
  /** A random sample of current, hashed item versions from committed snapshots. */
  sample(tenantId: string): Promise<DrillItemRef[]>;
  /** The tenant's vault with the reader identity (never closed by the activities: the worker caches it). */
  readVault(tenantId: string): Promise<Vault>;
  /** Closes the drill; the verdict the service recorded. */
  finish(
    tenantId: string,
    drillId: string,
    result: { snapshotsChecked: number; packsChecked: number; itemsSampled: number; itemsMatched: number; bytesRestored: number; restoreMs: number | null; problems: DrillProblemRecord[] },
  ): Promise<"passed" | "failed">;
  /** Where scratch directories are made (default: the OS temp directory). */
  scratchRoot?: string;
}
