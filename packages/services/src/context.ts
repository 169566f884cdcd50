import { roleAtLeast, type Role } from "@holdfast/auth";
import { appendAuditEvent, type ActorType, type Database, type Tx } from "@holdfast/db";
import { forbidden, notFound } from "./errors";

export interface Actor {
  type: ActorType;
  /** user id, API key id, or an operator/system label */
  id: string;
}

/**
 * End-user self-service (docs/adr/0016-sign-in-with-google-microsoft-and-self-service.md): a person
 * who is not a member, signed in with the protected directory's own identity, acting on the units
 * that directory says are theirs and nothing else.
 */
export interface SelfServiceScope {
  /** The units whose owner is the signed-in identity (its directory user id), in this tenant. */
  unitIds: readonly string[];
}

/** Who is acting, in which tenant, with which role: resolved once by the transport. */
export interface TenantContext {
  db: Database;
  tenantId: string;
  actor: Actor;
  /** A self-service principal carries `viewer` here, but `requireRole` refuses it everywhere. */
  role: Role;
  /** Set only for self-service access; members and API keys never carry it. */
  selfService?: SelfServiceScope;
  requestId?: string;
  ip?: string;
}

/**
 * Member-only verbs. Deny by default: a self-service principal is refused here whatever the role,
 * so a verb serves self-service only if it was written to (with `requireUnitAccess` / `unitScope`).
 */
export function requireRole(ctx: TenantContext, required: Role, action: string): void {
  if (ctx.selfService) throw forbidden(`${action} is not available with self-service access; ask an administrator of this organisation`);
  if (!roleAtLeast(ctx.role, required)) {
    throw forbidden(`${action} requires the ${required} role; you are ${ctx.role}`);
  }
}

/**
 * A verb on particular units: members need `required`; a self-service principal may act only on
 * its own units, and any other unit is NOT_FOUND (as if it did not exist, so ids cannot be probed).
 */
export function requireUnitAccess(ctx: TenantContext, required: Role, action: string, unitIds: Iterable<string>): void {
  if (!ctx.selfService) return requireRole(ctx, required, action);
  const own = new Set(ctx.selfService.unitIds);
  for (const id of unitIds) if (!own.has(id)) throw notFound("Unit");
}

/**
 * The filter an organisation-wide list must apply: `undefined` for members (every unit; the caller
 * has already checked the role with `requireUnitAccess(ctx, role, action, [])`), the own unit ids
 * for self-service.
 */
export function unitScope(ctx: TenantContext): readonly string[] | undefined {
  return ctx.selfService?.unitIds;
}

/** True when the actor is a self-service principal (for verbs that restrict what it may choose, e.g. restore targets). */
export function isSelfService(ctx: TenantContext): boolean {
  return ctx.selfService !== undefined;
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
