// What the restore activities need: the job (selection, target, policy), its selection resolved
// page by page from the catalogue as of the chosen time, a place to record each item's outcome,
// the connector of the target's source, and the vault opened with the reader identity.
import type { DiscoveredUnit, ConflictPolicy, SourceConnector } from "@holdfast/connectors";
import type { Vault } from "@holdfast/vault";
import type { RestoreStatus } from "../../contracts";
import type { RestoreItemResult, RestoreRef } from "./restore-items";

export interface RestoreJob {
  restoreId: string;
  sourceId: string;
  /** Where items go: their own unit, or another user's/mailbox's unit of the same kind. */
  target: DiscoveredUnit;
  conflict: ConflictPolicy;
  copyFolder: string;
}

export interface RestoreStore {
  job(tenantId: string, restoreId: string): Promise<RestoreJob>;
  /** The next page of the selection as of the job's time, leaving out items that already have an outcome. */
  nextBatch(tenantId: string, restoreId: string, cursor: string | null, limit: number): Promise<{ refs: RestoreRef[]; cursor: string | null }>;
  recordOutcomes(tenantId: string, restoreId: string, results: RestoreItemResult[]): Promise<void>;
  finish(tenantId: string, restoreId: string, status: RestoreStatus, summary: string): Promise<void>;
}

export interface RestorePorts {
  store: RestoreStore;
  connector(tenantId: string, sourceId: string): Promise<SourceConnector>;
  /** The tenant's vault opened with the reader identity (a restore never writes to the vault). */
  readVault(tenantId: string): Promise<Vault>;
}
