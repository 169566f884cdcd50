import { and, auditEvents, desc, eq, lt, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { iso, ListAuditEventsInput, type AuditEventPage } from "../types";

/** Newest first; the cursor is the last seq seen, so pages are stable while new events arrive. */
export async function listAuditEvents(ctx: TenantContext, raw: ListAuditEventsInput = {}): Promise<AuditEventPage> {
  const input = ListAuditEventsInput.parse(raw);
  requireRole(ctx, "admin", "Reading the audit log");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, ctx.tenantId),
          input.cursor ? lt(auditEvents.seq, Number(input.cursor)) : undefined,
          input.action ? eq(auditEvents.action, input.action) : undefined,
          input.actorId ? eq(auditEvents.actorId, input.actorId) : undefined,
        ),
      )
      .orderBy(desc(auditEvents.seq))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      seq: r.seq,
      occurredAt: iso(r.occurredAt),
      actorType: r.actorType,
      actorId: r.actorId,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      requestId: r.requestId,
      ip: r.ip,
      metadata: r.metadata,
      hash: r.hash,
    })),
    nextCursor: rows.length > input.limit && last ? String(last.seq) : null,
  };
}
