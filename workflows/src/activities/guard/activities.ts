// The guardedRequest workflow's activities: thin, so a retry after a lost connection is safe (the
// guard functions check the row's state under a lock, so applying twice cannot happen).
import { ApplicationFailure } from "@temporalio/activity";
import { GUARD_REFUSED, type GuardedRequestSnapshot, type GuardStepEvent } from "../../guard-contracts";
import type { GuardPorts } from "./ports";

export function createGuardActivities(ports: GuardPorts) {
  return {
    async loadGuardedRequest(input: { tenantId: string; requestId: string }): Promise<GuardedRequestSnapshot> {
      return ports.load(input.tenantId, input.requestId);
    },
    async approveGuardedRequest(input: { tenantId: string; requestId: string; userId: string }): Promise<{ status: GuardedRequestSnapshot["status"] }> {
      const r = await ports.approve(input.tenantId, input.requestId, input.userId);
      if (r.refused) throw ApplicationFailure.create({ type: GUARD_REFUSED, message: r.refused.message, details: [r.refused.code], nonRetryable: true });
      return { status: r.status ?? "approved" };
    },
    async applyGuardedRequest(input: { tenantId: string; requestId: string }): Promise<{ status: GuardedRequestSnapshot["status"]; failure?: string; refused?: string }> {
      const r = await ports.apply(input.tenantId, input.requestId);
      // A refusal here (cancelled meanwhile, not yet due) is an answer, not an error to retry.
      if (r.refused) return { status: (await ports.load(input.tenantId, input.requestId)).status, refused: r.refused.message };
      return { status: r.status ?? "executed", ...(r.failure ? { failure: r.failure } : {}) };
    },
    async expireGuardedRequest(input: { tenantId: string; requestId: string }): Promise<{ status: GuardedRequestSnapshot["status"] }> {
      return ports.expire(input.tenantId, input.requestId);
    },
    async announceGuardedRequest(input: { tenantId: string; requestId: string; event: GuardStepEvent }): Promise<void> {
      await ports.announce(input.tenantId, input.requestId, input.event);
    },
  };
}

export type GuardActivities = ReturnType<typeof createGuardActivities>;
