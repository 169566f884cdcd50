// The audit chain as JSON Lines, one event per line with every field its canonical text needs
// (docs/audit-chain.md), so `holdfast-restore verify-audit` can recompute the chain offline.
import { readAuditChainPage, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import { AUDIT_EVENT_EXPORT_FORMAT } from "./digest-types";

const PAGE = 1000;

/** Yields one line (with its newline) per event, seq 1 upwards, a page per transaction. */
export async function* exportAuditEvents(ctx: TenantContext): AsyncGenerator<string> {
  requireRole(ctx, "admin", "Exporting the audit log");
  let after = 0;
  for (;;) {
    const rows = await withTenant(ctx.db, ctx.tenantId, (tx) => readAuditChainPage(tx, ctx.tenantId, after, PAGE));
    for (const r of rows) {
      yield `${JSON.stringify({
        format: AUDIT_EVENT_EXPORT_FORMAT,
        id: r.id,
        tenantId: r.tenantId,
        seq: Number(r.seq),
        occurredAt: r.occurredAt,
        actorType: r.actorType,
        actorId: r.actorId,
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        requestId: r.requestId,
        ip: r.ip,
        metadataText: r.metadataText,
        prevHash: r.prevHash,
        hash: r.hash,
      })}\n`;
    }
    if (rows.length < PAGE) return;
    after = Number(rows.at(-1)?.seq);
  }
}
