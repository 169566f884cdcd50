// Approving and cancelling a guarded request, and listing them.
//
// Approval needs a person (not an API key) who is an owner, admin or guardian here, not the
// requester, who could already approve when the request was made, and who proves it is them now
// with a fresh code from their authenticator. The checks are made here for a clear answer, and
// again by the database when the worker's guard records the approval.
//
// Cancelling only keeps data, so anyone who was told of the request may do it: an owner, admin or
// guardian, an admin API key, or the requester.
import { open, roleAtLeast, verifyTotp } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { and, desc, eq, guardedRequests, inArray, isUuid, memberships, users, withTenant } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict, DomainError, forbidden, notFound, validation } from "../errors";
import { totpPurpose } from "../users/verify-credentials";
import { findRequest, toViews } from "./store";
import { ApproveGuardedRequestInput, CancelGuardedRequestInput, ListGuardedRequestsInput, type GuardedRequestView, type GuardRunner } from "./types";

const OPEN = ["pending", "approved"] as const;

const viewOf = (ctx: TenantContext, requestId: string) =>
  withTenant(ctx.db, ctx.tenantId, async (tx) => (await toViews(tx, ctx.tenantId, [await findRequest(tx, ctx.tenantId, requestId)]))[0] as GuardedRequestView);

export async function listGuardedRequests(ctx: TenantContext, raw: ListGuardedRequestsInput = {}): Promise<GuardedRequestView[]> {
  const input = ListGuardedRequestsInput.parse(raw);
  requireRole(ctx, "viewer", "Viewing guarded requests");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx
      .select()
      .from(guardedRequests)
      .where(and(eq(guardedRequests.tenantId, ctx.tenantId), input.filter === "open" ? inArray(guardedRequests.status, [...OPEN]) : undefined))
      .orderBy(desc(guardedRequests.requestedAt), desc(guardedRequests.id))
      .limit(input.limit);
    return toViews(tx, ctx.tenantId, rows);
  });
}

export async function getGuardedRequest(ctx: TenantContext, requestId: string): Promise<GuardedRequestView> {
  requireRole(ctx, "viewer", "Viewing guarded requests");
  if (!isUuid(requestId)) throw notFound("Guarded request");
  return viewOf(ctx, requestId);
}

/** A refusal that stays in the audit log: thrown after the audit row is committed. */
async function refuse(ctx: TenantContext, requestId: string, action: string, err: DomainError): Promise<never> {
  await withTenant(ctx.db, ctx.tenantId, (tx) => audit(tx, ctx, action, { type: "guarded_request", id: requestId }, { reason: err.message }));
  throw err;
}

export async function approveGuardedRequest(ctx: TenantContext, requestId: string, raw: ApproveGuardedRequestInput, guard: GuardRunner | undefined): Promise<GuardedRequestView> {
  if (ctx.selfService) throw forbidden("Approving a guarded request is not available with self-service access");
  if (!isUuid(requestId)) throw notFound("Guarded request");
  const parsed = ApproveGuardedRequestInput.safeParse(raw);
  if (!parsed.success) throw validation(`code ${parsed.error.issues[0]?.message ?? "is invalid"}`, { field: "code" });
  const row = await withTenant(ctx.db, ctx.tenantId, (tx) => findRequest(tx, ctx.tenantId, requestId));
  if (ctx.actor.type !== "user") {
    return refuse(ctx, requestId, "guarded_request.approve_refused", forbidden("A guarded request is approved by a person with a fresh second factor, not with an API key; sign in to the console to approve it"));
  }
  const userId = ctx.actor.id;
  const [member] = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select({ since: memberships.approverSince }).from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId))),
  );
  const why =
    row.status !== "pending"
      ? conflict(`This request is ${row.status}; only a request waiting for approval can be approved`)
      : row.requestedByUserId === userId
        ? forbidden("A request must be approved by someone other than the person who made it")
        : !member?.since
          ? forbidden("Only an owner, an administrator or a guardian of this organisation may approve a guarded request")
          : member.since > row.requestedAt
            ? forbidden("Only someone who could approve before the request was made may approve it (you became an approver after it)")
            : null;
  if (why) return refuse(ctx, requestId, "guarded_request.approve_refused", why);
  const [user] = await ctx.db.select({ totpEnabled: users.totpEnabled, secret: users.totpSecretEnc }).from(users).where(eq(users.id, userId));
  if (!user?.totpEnabled || !user.secret) {
    return refuse(ctx, requestId, "guarded_request.approve_refused", forbidden("Approving needs two-factor authentication: turn it on under Account security first"));
  }
  if (!verifyTotp(open(kekConfig().kek, user.secret, totpPurpose(userId)), parsed.data.code)) {
    return refuse(ctx, requestId, "guarded_request.approve_refused", validation("That code is not valid. Check the time on your device and try again.", { field: "code" }));
  }
  if (!guard) throw new DomainError("UNAVAILABLE", "Approvals cannot be recorded right now: no job runner is configured");
  const answer = await guard.approveGuardedRequest({ workflowId: row.workflowId, userId });
  if (!answer.approved) {
    const err = answer.code === "CONFLICT" ? conflict(answer.reason) : answer.code === "NOT_FOUND" ? notFound("Guarded request") : forbidden(answer.reason);
    return refuse(ctx, requestId, "guarded_request.approve_refused", err);
  }
  return viewOf(ctx, requestId);
}

export async function cancelGuardedRequest(ctx: TenantContext, requestId: string, raw: CancelGuardedRequestInput, guard: GuardRunner | undefined): Promise<GuardedRequestView> {
  const input = CancelGuardedRequestInput.parse(raw);
  if (ctx.selfService) throw forbidden("Cancelling a guarded request is not available with self-service access");
  if (!isUuid(requestId)) throw notFound("Guarded request");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const r = await findRequest(tx, ctx.tenantId, requestId);
    // Who was told may cancel: owners, admins and guardians; an admin API key; the requester.
    let may = roleAtLeast(ctx.role, "admin") || (r.requestedByActorType === ctx.actor.type && r.requestedByActorId === ctx.actor.id);
    if (!may && ctx.actor.type === "user") {
      const [m] = await tx.select({ guardian: memberships.guardian }).from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, ctx.actor.id)));
      may = m?.guardian === true;
    }
    if (!may) throw forbidden(`Cancelling a guarded request requires the admin role or being a guardian; you are ${ctx.role}`);
    if (r.status !== "pending" && r.status !== "approved") throw conflict(`This request is ${r.status}; only a request that has not run can be cancelled`);
    const [done] = await tx
      .update(guardedRequests)
      .set({ status: "cancelled", cancelledByActorType: ctx.actor.type, cancelledByActorId: ctx.actor.id, cancelReason: input.reason ?? null })
      .where(and(eq(guardedRequests.id, r.id), eq(guardedRequests.tenantId, ctx.tenantId)))
      .returning();
    if (!done) throw new Error("guarded request update returned no row");
    await audit(tx, ctx, "guarded_request.cancelled", { type: "guarded_request", id: r.id }, { kind: r.kind, reason: input.reason ?? null });
    return done;
  });
  // The row is what counts: the guard never applies a cancelled request. The signal only stops the
  // workflow waiting (and makes it announce the cancellation); if it is lost, the workflow finds the
  // row cancelled when its delay ends.
  await guard?.signalGuardedRequestCancelled({ workflowId: row.workflowId }).catch((err: unknown) => {
    childLogger({ tenantId: ctx.tenantId, component: "guard" }).warn({ err, requestId }, "cancelled request's workflow was not signalled; it will find the request cancelled when its delay ends");
  });
  return viewOf(ctx, requestId);
}

