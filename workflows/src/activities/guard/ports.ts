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
}
