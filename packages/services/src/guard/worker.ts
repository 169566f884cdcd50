// The worker's side of a guarded request (docs/adr/0020-guarded-requests.md): reading its state,
// announcing each step to every owner, admin and guardian, and — with the guard's own database
// credential (holdfast_guard), which can do nothing but call the guard's definer functions —
// recording an approval, carrying the request out once due, or letting it lapse.
import { eq, guardedRequests, sql, withTenant, type Database, type GuardedRequestStatus } from "@holdfast/db";
import { audit, type Actor } from "../context";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";
import { findRequest, toViews } from "./store";

export interface GuardedRequestState {
  status: GuardedRequestStatus;
  notBefore: string;
  expiresAt: string;
}

export async function loadGuardedRequestState(db: Database, tenantId: string, requestId: string): Promise<GuardedRequestState> {
  const row = await withTenant(db, tenantId, (tx) => findRequest(tx, tenantId, requestId));
  return { status: row.status, notBefore: row.notBefore.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

/** The database refused a guard call; `code` is how a caller should read it. */
export class GuardRefusedError extends Error {
  override name = "GuardRefusedError";
  constructor(
    readonly code: "FORBIDDEN" | "CONFLICT" | "NOT_FOUND",
    message: string,
  ) {
    super(message);
  }
}

const SQLSTATE_CODES: Record<string, GuardRefusedError["code"]> = { "42501": "FORBIDDEN", "55000": "CONFLICT", P0002: "NOT_FOUND" };

/** A refusal raised by a guard function, or the original error (connection lost…) to be retried. */
function refusalOf(err: unknown): unknown {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && SQLSTATE_CODES[code]) return new GuardRefusedError(SQLSTATE_CODES[code], (e as Error).message);
  }
  return err;
}

async function callGuard(guardDb: Database, query: ReturnType<typeof sql>): Promise<{ status: GuardedRequestStatus; failure: string | null }> {
  try {
    const res = await guardDb.execute<{ status: GuardedRequestStatus; failure: string | null }>(query);
    const row = res.rows[0];
    if (!row) throw new Error("the guard function returned no row");
    return { status: row.status, failure: row.failure };
  } catch (err) {
    throw refusalOf(err);
  }
}

/** Records `userId`'s approval; the database checks who they are against the request (GuardRefusedError if not). */
export function guardApprove(guardDb: Database, requestId: string, userId: string) {
  return callGuard(guardDb, sql`select status::text as status, failure from holdfast_guard_approve(${requestId}::uuid, ${userId}::uuid)`);
}

/** Carries out an approved, due request: `executed`, or `failed` with the reason. */
export function guardApply(guardDb: Database, requestId: string) {
  return callGuard(guardDb, sql`select status::text as status, failure from holdfast_guard_apply(${requestId}::uuid)`);
}

/** Lets a pending request whose approval window has closed lapse (`expired`). */
export function guardExpire(guardDb: Database, requestId: string) {
  return callGuard(guardDb, sql`select status::text as status, failure from holdfast_guard_expire(${requestId}::uuid)`);
}

/**
 * Every tenant's open (pending or approved) requests, oldest first, through the one cross-tenant
 * definer function the worker's role may call (migration 0038): ids only.
 */
export async function openGuardedRequests(db: Database): Promise<{ tenantId: string; requestId: string }[]> {
  const res = await db.execute<{ tenant_id: string; request_id: string }>(sql`select tenant_id, request_id from holdfast_open_guarded_requests()`);
  return res.rows.map((r) => ({ tenantId: r.tenant_id, requestId: r.request_id }));
}

/**
 * Audits that the hourly check found an open request with no workflow running and started one (a
 * row written by SQL has no `guarded_request.created` of its own): `guarded_request.found_unannounced`.
 */
export async function auditUnannouncedGuardedRequest(db: Database, tenantId: string, requestId: string): Promise<void> {
  await withTenant(db, tenantId, async (tx) => {
    const [r] = await tx.select({ kind: guardedRequests.kind, status: guardedRequests.status }).from(guardedRequests).where(eq(guardedRequests.id, requestId));
    if (!r) throw new Error(`guarded request ${requestId} not found in tenant ${tenantId}`);
    await audit(tx, { tenantId, actor: GUARD }, "guarded_request.found_unannounced", { type: "guarded_request", id: requestId }, { kind: r.kind, status: r.status });
  });
}

export const GUARD_EVENTS = ["requested", "approved", "cancelled", "executed", "failed", "expired"] as const;
export type GuardEvent = (typeof GUARD_EVENTS)[number];

const GUARD: Actor = { type: "system", id: "guard" };

/** Emails every owner, admin and guardian about one step of a request. Never throws (announceToAdmins audits a failure). */
export async function announceGuardedRequest(db: Database, tenantId: string, requestId: string, event: GuardEvent, opts: AnnounceOptions = {}) {
  const { row, view } = await withTenant(db, tenantId, async (tx) => {
    const [r] = await tx.select().from(guardedRequests).where(eq(guardedRequests.id, requestId));
    if (!r) throw new Error(`guarded request ${requestId} not found in tenant ${tenantId}`);
    const [v] = await toViews(tx, tenantId, [r]);
    return { row: r, view: v };
  });
  if (!view) throw new Error(`guarded request ${requestId} could not be read`);
  const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
  const where = opts.publicUrl ? `${opts.publicUrl.replace(/\/+$/, "")}/o/${tenantId}/requests` : "the Requests page of the Holdfast console";
  const lines: Record<GuardEvent, { subject: string; text: string[]; actor: Actor }> = {
    requested: {
      subject: `requested: ${view.label.toLowerCase()} (needs a second person's approval)`,
      text: [
        `${view.requestedBy.name} asked to: ${view.summary}.`,
        "",
        `This weakens protection, so it does not happen now. It runs only if another owner, administrator or guardian approves it with their second factor, and no earlier than ${when(view.notBefore)}. Unapproved, it lapses at ${when(view.expiresAt)}.`,
        "",
        `If you did not expect it, cancel it at ${where}: any owner, administrator or guardian can, until it runs.`,
      ],
      actor: { type: row.requestedByActorType, id: row.requestedByActorId },
    },
    approved: {
      subject: `approved: ${view.label.toLowerCase()}`,
      text: [`${view.approvedBy?.name ?? "Someone"} approved the request to: ${view.summary}.`, "", `It runs at ${when(view.notBefore)} unless someone cancels it before then at ${where}.`],
      actor: view.approvedBy ? { type: "user", id: view.approvedBy.userId } : GUARD,
    },
    cancelled: {
      subject: `cancelled: ${view.label.toLowerCase()}`,
      text: [`${view.cancelledBy?.name ?? "Someone"} cancelled the request to: ${view.summary}.`, "", "Nothing was changed.", ...(view.cancelReason ? ["", `Reason given: ${view.cancelReason}`] : [])],
      actor: row.cancelledByActorType && row.cancelledByActorId ? { type: row.cancelledByActorType, id: row.cancelledByActorId } : GUARD,
    },
    executed: {
      subject: `done: ${view.label.toLowerCase()}`,
      text: [`The request to ${view.summary} was carried out, after ${view.approvedBy?.name ?? "a second person"}'s approval and the cooling-off delay.`],
      actor: GUARD,
    },
    failed: {
      subject: `could not be done: ${view.label.toLowerCase()}`,
      text: [`The approved request to ${view.summary} could not be carried out: ${view.failure ?? "no reason was recorded"}.`, "", "Nothing was changed."],
      actor: GUARD,
    },
    expired: {
      subject: `lapsed: ${view.label.toLowerCase()}`,
      text: [`Nobody approved the request to ${view.summary} in time, so it lapsed. Nothing was changed.`],
      actor: GUARD,
    },
  };
  const l = lines[event];
  return announceToAdmins(db, tenantId, { about: `guarded_request.${event}`, actor: l.actor, subject: l.subject, text: l.text.join("\n") }, opts);
}
