// Legal holds: nothing a hold covers expires while it is held. Placing one only strengthens
// protection and applies at once; releasing one is a weakening and becomes a guarded request
// (docs/adr/0020-guarded-requests.md), released by the database's guard once approved and due.
import { and, desc, eq, isUuid, legalHolds, units, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict, notFound } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";
import { findUnit } from "../sources/guards";
import { lockRetention, toLegalHold } from "./store";
import { PlaceLegalHoldInput, type LegalHoldView } from "./types";

type Notify = Omit<AnnounceOptions, "requestId">;

const covered = (unitName: string | null) => (unitName === null ? "the whole organisation" : `the account "${unitName}"`);

/** `notify`: how to announce it to the organisation's admins (the console's URL for the audit link). */
export async function placeLegalHold(ctx: TenantContext, raw: PlaceLegalHoldInput, notify: Notify = {}): Promise<LegalHoldView> {
  const input = PlaceLegalHoldInput.parse(raw);
  requireRole(ctx, "admin", "Placing a legal hold");
  const { hold, unitName } = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await lockRetention(tx, ctx.tenantId);
    const unit = input.unitId !== undefined ? await findUnit(tx, ctx.tenantId, input.unitId) : null;
    const [row] = await tx
      .insert(legalHolds)
      .values({ tenantId: ctx.tenantId, unitId: input.unitId ?? null, reason: input.reason, placedByUserId: ctx.actor.type === "user" ? ctx.actor.id : null })
      .returning();
    if (!row) throw new Error("legal hold insert returned no row");
    await audit(tx, ctx, "retention.legal_hold_placed", { type: "legal_hold", id: row.id }, { unitId: row.unitId, reason: row.reason });
    return { hold: toLegalHold(row), unitName: unit?.displayName ?? null };
  });
  // After the commit: the hold stands whether or not the mail goes out.
  await announceToAdmins(ctx.db, ctx.tenantId, {
    about: "retention.legal_hold_placed",
    actor: ctx.actor,
    subject: "a legal hold was placed",
    text: `A legal hold was placed on ${covered(unitName)}: nothing it covers expires while it is held.\n\nReason given: ${hold.reason}`,
  }, { ...notify, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) });
  return hold;
}

/** Every hold of the organisation, newest first, released ones included (they are history). */
export async function listLegalHolds(ctx: TenantContext): Promise<LegalHoldView[]> {
  requireRole(ctx, "viewer", "Viewing legal holds");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx.select().from(legalHolds).where(eq(legalHolds.tenantId, ctx.tenantId)).orderBy(desc(legalHolds.placedAt), desc(legalHolds.id));
    return rows.map(toLegalHold);
  });
}

/** Asks for the hold's release: a guarded request (a second person's approval, then the delay). */
export async function releaseLegalHold(ctx: TenantContext, holdId: string, deps: GuardDeps = { guard: undefined }): Promise<GuardedRequestView> {
  requireRole(ctx, "admin", "Releasing a legal hold");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    if (!isUuid(holdId)) throw notFound("Legal hold");
    const [hold] = await tx.select().from(legalHolds).where(and(eq(legalHolds.id, holdId), eq(legalHolds.tenantId, ctx.tenantId)));
    if (!hold) throw notFound("Legal hold");
    if (hold.releasedAt) throw conflict(`This legal hold was already released on ${hold.releasedAt.toISOString()}`);
    const [unit] = hold.unitId === null ? [] : await tx.select({ name: units.displayName }).from(units).where(and(eq(units.id, hold.unitId), eq(units.tenantId, ctx.tenantId)));
    const unitName = hold.unitId === null ? null : (unit?.name ?? hold.unitId);
    return insertGuardedRequest(tx, ctx, {
      kind: "legal_hold.release",
      params: { holdId: hold.id },
      summary: `Release the legal hold on ${covered(unitName)} (placed ${hold.placedAt.toISOString().slice(0, 10)}: ${hold.reason})`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}
