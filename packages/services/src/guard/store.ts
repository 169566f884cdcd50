// Reading guarded requests back as views: every person named (by email, an API key by its name),
// so the console and the emails need no lookups.
import { and, apiKeys, eq, guardedRequests, inArray, users, type GuardedRequestRow, type Tx } from "@holdfast/db";
import { notFound } from "../errors";
import { GUARDED_REQUEST_LABELS, type GuardedRequestView } from "./types";

type ActorRef = { type: "user" | "api_key" | "system" | "operator"; id: string };

async function names(tx: Tx, tenantId: string, rows: GuardedRequestRow[]) {
  const userIds = new Set<string>();
  const keyIds = new Set<string>();
  for (const r of rows) {
    for (const id of [r.requestedByUserId, r.approvedByUserId]) if (id) userIds.add(id);
    if (r.requestedByActorType === "user") userIds.add(r.requestedByActorId);
    if (r.requestedByActorType === "api_key") keyIds.add(r.requestedByActorId);
    if (r.cancelledByActorType === "user" && r.cancelledByActorId) userIds.add(r.cancelledByActorId);
    if (r.cancelledByActorType === "api_key" && r.cancelledByActorId) keyIds.add(r.cancelledByActorId);
  }
  const people = userIds.size ? await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, [...userIds])) : [];
  const keys = keyIds.size
    ? await tx.select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, [...keyIds])))
    : [];
  const user = new Map(people.map((p) => [p.id, p.email]));
  const key = new Map(keys.map((k) => [k.id, `API key "${k.name}" (${k.prefix}…)`]));
  return (a: ActorRef): string => {
    if (a.type === "user") return user.get(a.id) ?? `a former user (${a.id})`;
    if (a.type === "api_key") return key.get(a.id) ?? `an API key (${a.id})`;
    return a.id === "guard" ? "Holdfast (the guard)" : `Holdfast ${a.type} "${a.id}"`;
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function toViews(tx: Tx, tenantId: string, rows: GuardedRequestRow[]): Promise<GuardedRequestView[]> {
  const nameOf = await names(tx, tenantId, rows);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: GUARDED_REQUEST_LABELS[r.kind],
    summary: r.summary,
    params: r.params,
    status: r.status,
    requestedBy: { type: r.requestedByActorType, id: r.requestedByActorId, userId: r.requestedByUserId, name: nameOf({ type: r.requestedByActorType, id: r.requestedByActorId }) },
    requestedAt: r.requestedAt.toISOString(),
    notBefore: r.notBefore.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    approvedBy: r.approvedByUserId ? { userId: r.approvedByUserId, name: nameOf({ type: "user", id: r.approvedByUserId }) } : null,
    approvedAt: iso(r.approvedAt),
    cancelledBy:
      r.cancelledByActorType && r.cancelledByActorId
        ? { type: r.cancelledByActorType, id: r.cancelledByActorId, name: nameOf({ type: r.cancelledByActorType, id: r.cancelledByActorId }) }
        : null,
    cancelledAt: iso(r.cancelledAt),
    cancelReason: r.cancelReason,
    executedAt: iso(r.executedAt),
    failure: r.failure,
  }));
}

export async function findRequest(tx: Tx, tenantId: string, requestId: string): Promise<GuardedRequestRow> {
  const [row] = await tx.select().from(guardedRequests).where(and(eq(guardedRequests.id, requestId), eq(guardedRequests.tenantId, tenantId)));
  if (!row) throw notFound("Guarded request");
  return row;
}
