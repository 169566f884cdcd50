// Guarded requests (docs/adr/0020-guarded-requests.md): the boundary shapes, and the port through
// which the services start and steer the durable workflow that waits out a request's delay.
import { GUARDED_REQUEST_KINDS, GUARDED_REQUEST_STATUSES, type GuardedRequestKind as KindName } from "@holdfast/db";
import { z } from "zod";

export const GuardedRequestKind = z.enum(GUARDED_REQUEST_KINDS);
export const GuardedRequestStatus = z.enum(GUARDED_REQUEST_STATUSES);

/** What each kind does, in a few words (the console's and the emails' label). */
export const GUARDED_REQUEST_LABELS: Record<KindName, string> = {
  "retention.shorten": "Shorten retention",
  "legal_hold.release": "Release a legal hold",
  "member.remove": "Remove a member",
  "member.demote": "Lower a member's role",
  "guardian.add": "Add a guardian",
  "guardian.remove": "Remove a guardian",
  "unit.exclude": "Stop protecting an account",
  "guard_delay.shorten": "Shorten the cooling-off delay",
  "source.auto_protect_off": "Stop protecting new accounts automatically",
  "source.remove": "Remove a source",
  "webhook.remove": "Remove a webhook endpoint",
  "items.erase": "Erase items from backups",
  "organization.close": "Close the organisation",
  "vault.rotate_credentials": "Rotate the vault's credentials",
};

export const GuardedRequestView = z.object({
  id: z.string().uuid(),
  kind: GuardedRequestKind,
  /** GUARDED_REQUEST_LABELS[kind]. */
  label: z.string(),
  summary: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: GuardedRequestStatus,
  requestedBy: z.object({ type: z.enum(["user", "api_key", "system", "operator"]), id: z.string(), userId: z.string().uuid().nullable(), name: z.string() }),
  requestedAt: z.string().datetime(),
  /** It runs no earlier than this, once approved. */
  notBefore: z.string().datetime(),
  /** Unapproved at this time, it lapses. */
  expiresAt: z.string().datetime(),
  approvedBy: z.object({ userId: z.string().uuid(), name: z.string() }).nullable(),
  approvedAt: z.string().datetime().nullable(),
  cancelledBy: z.object({ type: z.enum(["user", "api_key", "system", "operator"]), id: z.string(), name: z.string() }).nullable(),
  cancelledAt: z.string().datetime().nullable(),
  cancelReason: z.string().nullable(),
  executedAt: z.string().datetime().nullable(),
  failure: z.string().nullable(),
});
export type GuardedRequestView = z.infer<typeof GuardedRequestView>;

export const ListGuardedRequestsInput = z
  .object({
    /** "open": pending or approved (still to run, still cancellable); "all": history too. */
    filter: z.enum(["open", "all"]).default("open"),
    limit: z.number().int().min(1).max(200).default(100),
  })
  .strict();
export type ListGuardedRequestsInput = z.input<typeof ListGuardedRequestsInput>;

export const ApproveGuardedRequestInput = z
  .object({ code: z.string().trim().regex(/^\d{6}$/, "must be the 6-digit code from your authenticator app") })
  .strict();
export type ApproveGuardedRequestInput = z.input<typeof ApproveGuardedRequestInput>;

export const CancelGuardedRequestInput = z.object({ reason: z.string().trim().max(2000, "must be at most 2000 characters").optional() }).strict();
export type CancelGuardedRequestInput = z.input<typeof CancelGuardedRequestInput>;

/** The organisation's cooling-off delay; lengthening applies at once, shortening is itself guarded. */
export const SetGuardDelayInput = z
  .object({ hours: z.number().int("must be a whole number of hours").min(1, "must be at least 1 hour").max(24 * 90, "must be at most 2160 hours (90 days)") })
  .strict();
export type SetGuardDelayInput = z.input<typeof SetGuardDelayInput>;

export const SetGuardianInput = z.object({ userId: z.string().uuid(), guardian: z.boolean() }).strict();
export type SetGuardianInput = z.input<typeof SetGuardianInput>;

/** The answer of a verb that may have to wait: done at once, or asked for as a guarded request. */
export type Guarded<T> = { outcome: "applied"; result: T } | { outcome: "requested"; request: GuardedRequestView };

/** Why the guard refused an approval: the database's own reason, for the approver to read. */
export type GuardApproval = { approved: true } | { approved: false; reason: string; code: "FORBIDDEN" | "CONFLICT" | "NOT_FOUND" };

/**
 * The job runner's side (Temporal): one `guardedRequest` workflow per request waits for approval
 * and for the delay, then has the guard carry it out. Payloads carry ids only.
 */
export interface GuardRunner {
  startGuardedRequest(input: { tenantId: string; requestId: string; workflowId: string }): Promise<void>;
  /** Records the approval through the workflow (the worker's guard credential); the database may refuse it. */
  approveGuardedRequest(input: { workflowId: string; userId: string }): Promise<GuardApproval>;
  /** Tells the workflow its request was cancelled, so it stops waiting (the row is already cancelled). */
  signalGuardedRequestCancelled(input: { workflowId: string }): Promise<void>;
}

export const guardedRequestWorkflowId = (requestId: string) => `guarded-request:${requestId}`;
