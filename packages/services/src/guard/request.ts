// Asking for a guarded action: the request is recorded (the database gives it its dates), audited,
// and then its workflow is started, which announces it to every owner, admin and guardian and waits
// for a second person's approval and the cooling-off delay. Nothing is changed here.
import { randomUUID } from "node:crypto";
import { and, apiKeys, eq, guardedRequests, inArray, sql, withTenant, type GuardedRequestKind, type GuardedRequestRow, type Tx } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { audit, type TenantContext } from "../context";
import { conflict, forbidden, unavailable } from "../errors";
import { toViews } from "./store";
import { guardedRequestWorkflowId, type GuardedRequestView, type GuardRunner } from "./types";

export interface GuardedRequestSpec {
  kind: GuardedRequestKind;
  /** Exactly what is to be done; `holdfast_guard_apply` reads it. */
  params: Record<string, unknown>;
  /** One sentence for a person ("Shorten retention for the whole organisation: daily points 90 → 30 days"). */
  summary: string;
}

export interface GuardDeps {
  /** The job runner; absent where none is configured (the request is then refused, 503). */
  guard: GuardRunner | undefined;
}

/** The person responsible for a request: the member, or the person who created the API key. */
async function requesterOf(tx: Tx, ctx: TenantContext): Promise<string | null> {
  if (ctx.actor.type === "user") return ctx.actor.id;
  if (ctx.actor.type === "api_key") {
    const [key] = await tx.select({ by: apiKeys.createdByUserId }).from(apiKeys).where(and(eq(apiKeys.id, ctx.actor.id), eq(apiKeys.tenantId, ctx.tenantId)));
    return key?.by ?? null;
  }
  // Holdfast's own staff and the operator CLI have no way around the guard, nor into it.
  throw forbidden("Only a member or an API key of the organisation may ask for this; Holdfast's operators cannot");
}

/**
 * Records a pending request inside the caller's transaction (so it commits with the caller's own
 * audit row). The caller then calls `startGuardedRequest` after the commit.
 */
export async function insertGuardedRequest(tx: Tx, ctx: TenantContext, spec: GuardedRequestSpec): Promise<GuardedRequestRow> {
  // One open request per action: a second would only be a second chance to slip one through.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"holdfast.guarded:" + ctx.tenantId}, 0))`);
  // Compared as jsonb: the database does not keep the keys' order.
  const [same] = await tx
    .select({ id: guardedRequests.id })
    .from(guardedRequests)
    .where(
      and(
        eq(guardedRequests.tenantId, ctx.tenantId),
        eq(guardedRequests.kind, spec.kind),
        inArray(guardedRequests.status, ["pending", "approved"]),
        sql`${guardedRequests.params} = ${JSON.stringify(spec.params)}::jsonb`,
      ),
    )
    .limit(1);
  if (same) throw conflict(`The same request is already waiting (request ${same.id}); approve or cancel that one`);
  const id = randomUUID();
  const [row] = await tx
    .insert(guardedRequests)
    .values({
      id,
      tenantId: ctx.tenantId,
      kind: spec.kind,
      params: spec.params,
      summary: spec.summary,
      requestedByActorType: ctx.actor.type,
      requestedByActorId: ctx.actor.id,
      requestedByUserId: await requesterOf(tx, ctx),
      workflowId: guardedRequestWorkflowId(id),
    })
    .returning();
  if (!row) throw new Error("guarded request insert returned no row");
  await audit(tx, ctx, "guarded_request.created", { type: "guarded_request", id: row.id }, { kind: row.kind, params: row.params, summary: row.summary, notBefore: row.notBefore.toISOString() });
  return row;
}

/**
 * Starts the request's workflow. If the job runner does not take it, the request is cancelled (so
 * nothing is left pending with nothing behind it) and the caller is told to retry (503).
 */
export async function startGuardedRequest(ctx: TenantContext, row: GuardedRequestRow, deps: GuardDeps): Promise<GuardedRequestView> {
  const reason = "The request could not be started: the job runner did not accept it. Nothing will change; ask again.";
  const cancel = async () =>
    withTenant(ctx.db, ctx.tenantId, async (tx) => {
      await tx
        .update(guardedRequests)
        .set({ status: "cancelled", cancelledByActorType: "system", cancelledByActorId: "guard", cancelReason: reason })
        .where(and(eq(guardedRequests.id, row.id), eq(guardedRequests.tenantId, ctx.tenantId)));
      await audit(tx, ctx, "guarded_request.start_failed", { type: "guarded_request", id: row.id }, { kind: row.kind });
    });
  if (!deps.guard) {
    await cancel();
    throw unavailable(`${reason} (no job runner is configured)`);
  }
  try {
    await deps.guard.startGuardedRequest({ tenantId: ctx.tenantId, requestId: row.id, workflowId: row.workflowId });
  } catch (err) {
    childLogger({ tenantId: ctx.tenantId, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), component: "guard" }).error({ err, requestId: row.id }, "guarded request workflow could not be started");
    await cancel();
    throw unavailable(`${reason} (request ${row.id})`);
  }
  return withTenant(ctx.db, ctx.tenantId, async (tx) => (await toViews(tx, ctx.tenantId, [row]))[0] as GuardedRequestView);
}

/** Records and starts a request in one go, for verbs with nothing else to write. */
export async function requestGuarded(ctx: TenantContext, spec: GuardedRequestSpec, deps: GuardDeps): Promise<GuardedRequestView> {
  const row = await withTenant(ctx.db, ctx.tenantId, (tx) => insertGuardedRequest(tx, ctx, spec));
  return startGuardedRequest(ctx, row, deps);
}
