// What the guard activities need (docs/adr/0020-guarded-requests.md): the worker wires these to
// @holdfast/services — reads and announcements with the application role, approval / execution /
// expiry with the guard's own credential (holdfast_guard).
import type { GuardedRequestSnapshot, GuardStepEvent } from "../../guard-contracts";

/** The database refused: not an error to retry. */
export interface GuardRefusal {
  code: "FORBIDDEN" | "CONFLICT" | "NOT_FOUND";
  message: string;
}

export interface GuardPorts {
  load(tenantId: string, requestId: string): Promise<GuardedRequestSnapshot>;
  /** Resolves with the refusal instead of throwing it when the database says no. */
  approve(tenantId: string, requestId: string, userId: string): Promise<{ refused?: GuardRefusal; status?: GuardedRequestSnapshot["status"] }>;
  apply(tenantId: string, requestId: string): Promise<{ refused?: GuardRefusal; status?: GuardedRequestSnapshot["status"]; failure?: string | null }>;
  expire(tenantId: string, requestId: string): Promise<{ status: GuardedRequestSnapshot["status"] }>;
  announce(tenantId: string, requestId: string, event: GuardStepEvent): Promise<void>;
  /** The source an executed `source.remove` request removed (null for any other request): its backup schedule is then deleted. */
  sourceRemovedBy?(tenantId: string, requestId: string): Promise<string | null>;
  /** Every source of the tenant when the request is an executed `organization.close` (none otherwise): their backup schedules are then deleted. */
  sourcesClosedBy?(tenantId: string, requestId: string): Promise<string[]>;
  /**
   * Writes the vault's erasure ledger object for an executed `items.erase` request (a no-op for any
   * other request, and when it is already written), so the offline holdfast-restore leaves the
   * erased items out (docs/vault-format.md §15). Throws when it could not be written: the activity
   * is retried. Answers counts only, never the items.
   */
  recordErasure?(tenantId: string, requestId: string): Promise<{ items: number; written: boolean } | null>;
  /**
   * Replaces the vault's writer, reader and gc identities for an executed `vault.rotate_credentials`
   * request (null for any other request; `rotated: false` when an earlier attempt stored them):
   * new ones at the storage provider, stored sealed, the old ones deleted (ADR 0005). Throws when it
   * could not finish: the activity is retried, and a retry picks up where the last attempt stopped.
   * Answers counts only, never credentials.
   */
  rotateVaultCredentials?(tenantId: string, requestId: string): Promise<{ rotated: boolean; deleted: number } | null>;
}
