import { roleAtLeast, type Role } from "@holdfast/auth";
import { appendAuditEvent, type ActorType, type Database, type Tx } from "@holdfast/db";
import { forbidden } from "./errors";

export interface Actor {
  type: ActorType;
  /** user id, API key id, or an operator/system label */
  id: string;
}

/** Who is acting, in which tenant, with which role: resolved once by the transport. */
export interface TenantContext {
  db: Database;
  tenantId: string;
  actor: Actor;
  role: Role;
  requestId?: string;
  ip?: string;
}

export function requireRole(ctx: TenantContext, required: Role, action: string): void {
  if (!roleAtLeast(ctx.role, required)) {
    throw forbidden(`${action} requires the ${required} role; you are ${ctx.role}`);
  }
}

export function audit(
  tx: Tx,
  ctx: Pick<TenantContext, "tenantId" | "actor" | "requestId" | "ip">,
  action: string,
  target?: { type: string; id: string },
  metadata: Record<string, unknown> = {},
) {
  return appendAuditEvent(tx, {
    tenantId: ctx.tenantId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
    metadata,
  });
}
