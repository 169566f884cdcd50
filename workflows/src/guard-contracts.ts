// The guardedRequest workflow's boundary (docs/adr/0020-guarded-requests.md). Ids only: what the
// request does lives in its database row, which only the guard's definer functions act on.
import { z } from "zod";

export const GuardedRequestInput = z.object({ tenantId: z.string().uuid(), requestId: z.string().uuid() }).strict();
export type GuardedRequestInput = z.infer<typeof GuardedRequestInput>;

export const GUARD_STEP_EVENTS = ["requested", "approved", "cancelled", "executed", "failed", "expired"] as const;
export type GuardStepEvent = (typeof GUARD_STEP_EVENTS)[number];

export interface GuardedRequestSnapshot {
  status: "pending" | "approved" | "cancelled" | "executed" | "failed" | "expired";
  notBefore: string;
  expiresAt: string;
}

export interface GuardedRequestResult {
  requestId: string;
  status: GuardedRequestSnapshot["status"];
  failure?: string;
}

/** Update: record an approval (the caller has checked the approver's second factor). */
export const GUARD_APPROVE_UPDATE = "approve";
export interface GuardApproveArgs {
  userId: string;
}
/** Signal: the request's row was cancelled; stop waiting. */
export const GUARD_CANCELLED_SIGNAL = "cancelled";

/** The ApplicationFailure type of a refusal by the database's guard (details[0]: FORBIDDEN | CONFLICT | NOT_FOUND). */
export const GUARD_REFUSED = "GuardRefused";

export const guardedRequestWorkflowId = (requestId: string) => `guarded-request:${requestId}`;
/** Guarded-request workflows the hourly protection check starts at most; the rest wait for the next hour. */
export const GUARDED_STARTS_PER_CHECK = 100;
