// Legal holds: nothing a hold covers expires while it is held. Placing one only strengthens
// protection and applies at once; releasing one is a weakening, refused (and audited) until the
// guarded requests of issue 7 exist.
import { and, desc, eq, isUuid, legalHolds, units, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden, notFound } from "../errors";
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

export async function releaseLegalHold(ctx: TenantContext, holdId: string, notify: Notify = {}): Promise<never> {
  requireRole(ctx, "admin", "Releasing a legal hold");
  const held = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    if (!isUuid(holdId)) throw notFound("Legal hold");
    const [row] = await tx.select().from(legalHolds).where(and(eq(legalHolds.id, holdId), eq(legalHolds.tenantId, ctx.tenantId)));
    if (!row) throw notFound("Legal hold");
    await audit(tx, ctx, "retention.legal_hold_release_refused", { type: "legal_hold", id: row.id }, { unitId: row.unitId, reason: row.reason, released: row.releasedAt !== null });
    // Not findUnit: a lookup must not throw away the audited attempt.
    const [unit] = row.unitId === null ? [] : await tx.select({ name: units.displayName }).from(units).where(and(eq(units.id, row.unitId), eq(units.tenantId, ctx.tenantId)));
    return { reason: row.reason, unitName: row.unitId === null ? null : (unit?.name ?? row.unitId) };
  });
  await announceToAdmins(ctx.db, ctx.tenantId, {
    about: "retention.legal_hold_release_refused",
    actor: ctx.actor,
    subject: "someone tried to release a legal hold; it was refused",
    text: `Someone tried to release the legal hold on ${covered(held.unitName)}. It was refused: the hold stays in place.\n\nThe hold's reason: ${held.reason}`,
  }, { ...notify, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) });
  // Thrown after the transaction committed, so the refused attempt stays in the audit log.
  throw forbidden("Releasing a legal hold weakens protection and must go through a guarded request, approved by a second administrator after a cooling-off delay; guarded requests are not available yet, so holds cannot be released for now");
}
