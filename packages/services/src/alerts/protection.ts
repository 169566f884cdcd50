// Dead-man alerts (issue 7): silence is the failure a backup product must not hide. Every hour the
// worker asks, per tenant, what the overview would say about each source; a source whose backups
// are late past its recovery-point objective or have stopped, or whose consent was revoked or that
// can no longer be reached, opens an alert — emailed at once to every owner, admin and guardian —
// and the alert is resolved (and that emailed too) when the condition clears. One open alert per
// source and reason, so nobody is emailed every hour about the same thing. A removed source (an
// approved `source.remove`) raises nothing, and its open alerts are resolved: nothing is expected of it.
import { and, eq, isNull, protectionAlerts, sql, withTenant, type Database } from "@holdfast/db";
import { audit, type TenantContext } from "../context";
import { getDashboard } from "../dashboard/summary";
import { forbidden } from "../errors";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";

/** The overview's reasons that are a dead-man alert: nothing is being backed up, or not recently enough. */
export const ALERT_CODES = ["backups_late", "backups_stopped", "consent_revoked", "disconnected"] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

const SUBJECT: Record<AlertCode, string> = {
  backups_late: "backups are late",
  backups_stopped: "backups have stopped",
  consent_revoked: "consent was revoked",
  disconnected: "a source can no longer be reached",
};

/** Tenants with a source that is or was connected: the only cross-tenant read (ids only). */
export async function tenantsToCheck(db: Database): Promise<string[]> {
  const res = await db.execute<{ tenant_id: string }>(sql`select tenant_id from holdfast_protected_tenants() order by tenant_id`);
  return res.rows.map((r) => r.tenant_id);
}

export interface ProtectionCheckResult {
  opened: number;
  resolved: number;
  /** Alerts open after the check. */
  open: number;
}

/** One tenant's check, as the worker's system actor. Announcements never fail the check (they are audited instead). */
export async function checkProtection(ctx: TenantContext, opts: { now?: Date; notify?: Omit<AnnounceOptions, "requestId"> } = {}): Promise<ProtectionCheckResult> {
  if (ctx.actor.type !== "system") throw forbidden("Only Holdfast's worker checks protection");
  const now = opts.now ?? new Date();
  const overview = await getDashboard(ctx, { now });
  const current = new Map<string, { sourceId: string; name: string; code: AlertCode; message: string; action: string }>();
  // The overview gives a removed source no alerting reason; named so the resolution says why.
  const removed = new Set(overview.sources.filter((s) => s.status === "removed").map((s) => s.id));
  for (const s of overview.sources) {
    for (const r of s.reasons) {
      if ((ALERT_CODES as readonly string[]).includes(r.code)) current.set(`${s.id}:${r.code}`, { sourceId: s.id, name: s.name, code: r.code as AlertCode, message: r.message, action: r.action });
    }
  }
  const { opened, resolved, open } = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const existing = await tx.select().from(protectionAlerts).where(and(eq(protectionAlerts.tenantId, ctx.tenantId), isNull(protectionAlerts.resolvedAt)));
    const openKeys = new Set(existing.map((a) => `${a.sourceId}:${a.code}`));
    const toOpen = [...current.entries()].filter(([k]) => !openKeys.has(k)).map(([, v]) => v);
    const toResolve = existing.filter((a) => !current.has(`${a.sourceId}:${a.code}`));
    for (const a of toOpen) {
      const [row] = await tx.insert(protectionAlerts).values({ tenantId: ctx.tenantId, sourceId: a.sourceId, code: a.code, message: a.message, openedAt: now }).returning();
      if (row) await audit(tx, ctx, "alert.opened", { type: "source", id: a.sourceId }, { alertId: row.id, code: a.code, message: a.message });
    }
    for (const a of toResolve) {
      await tx.update(protectionAlerts).set({ resolvedAt: now }).where(eq(protectionAlerts.id, a.id));
      await audit(tx, ctx, "alert.resolved", { type: "source", id: a.sourceId }, { alertId: a.id, code: a.code, ...(removed.has(a.sourceId) ? { reason: "source_removed" } : {}) });
    }
    const names = new Map(overview.sources.map((s) => [s.id, s.name]));
    return {
      opened: toOpen,
      resolved: toResolve.map((a) => ({ name: names.get(a.sourceId) ?? a.sourceId, code: a.code as AlertCode, openedAt: a.openedAt, removed: removed.has(a.sourceId) })),
      open: existing.length - toResolve.length + toOpen.length,
    };
  });
  // After the commit: the alert stands whether or not the mail goes out (announceToAdmins audits a failure).
  for (const a of opened) {
    await announceToAdmins(ctx.db, ctx.tenantId, {
      about: "alert.opened",
      actor: ctx.actor,
      subject: `${SUBJECT[a.code]}: ${a.name}`,
      text: [`${a.name}: ${a.message}`, "", a.action, "", "You will be told again when this clears."].join("\n"),
      at: now,
    }, opts.notify ?? {});
  }
  for (const a of resolved) {
    await announceToAdmins(ctx.db, ctx.tenantId, {
      about: "alert.resolved",
      actor: ctx.actor,
      subject: `resolved: ${SUBJECT[a.code]}: ${a.name}`,
      text: a.removed
        ? `${a.name}: the source was removed through an approved request, so the alert opened ${a.openedAt.toISOString()} ("${SUBJECT[a.code]}") is closed. Its backups stay restorable until their retention dates.`
        : `${a.name}: the alert opened ${a.openedAt.toISOString()} ("${SUBJECT[a.code]}") has cleared.`,
      at: now,
    }, opts.notify ?? {});
  }
  return { opened: opened.length, resolved: resolved.length, open };
}
