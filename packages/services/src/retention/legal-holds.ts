// Legal holds: nothing a hold covers expires while it is held. Placing one only strengthens
// protection and applies at once; releasing one is a weakening, refused (and audited) until the
// guarded requests of issue 7 exist.
import { and, desc, eq, isUuid, legalHolds, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden, notFound } from "../errors";
import { findUnit } from "../sources/guards";
import { lockRetention, toLegalHold } from "./store";
import { PlaceLegalHoldInput, type LegalHoldView } from "./types";

export async function placeLegalHold(ctx: TenantContext, raw: PlaceLegalHoldInput): Promise<LegalHoldView> {
  const input = PlaceLegalHoldInput.parse(raw);
  requireRole(ctx, "admin", "Placing a legal hold");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await lockRetention(tx, ctx.tenantId);
    if (input.unitId !== undefined) await findUnit(tx, ctx.tenantId, input.unitId);
    const [row] = await tx
      .insert(legalHolds)
      .values({ tenantId: ctx.tenantId, unitId: input.unitId ?? null, reason: input.reason, placedByUserId: ctx.actor.type === "user" ? ctx.actor.id : null })
      .returning();
    if (!row) throw new Error("legal hold insert returned no row");
    await audit(tx, ctx, "retention.legal_hold_placed", { type: "legal_hold", id: row.id }, { unitId: row.unitId, reason: row.reason });
    return toLegalHold(row);
  });
}

/** Every hold of the organisation, newest first, released ones included (they are history). */
export async function listLegalHolds(ctx: TenantContext): Promise<LegalHoldView[]> {
  requireRole(ctx, "viewer", "Viewing legal holds");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx.select().from(legalHolds).where(eq(legalHolds.tenantId, ctx.tenantId)).orderBy(desc(legalHolds.placedAt), desc(legalHolds.id));
    return rows.map(toLegalHold);
  });
}

export async function releaseLegalHold(ctx: TenantContext, holdId: string): Promise<never> {
  requireRole(ctx, "admin", "Releasing a legal hold");
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    if (!isUuid(holdId)) throw notFound("Legal hold");
    const [row] = await tx.select().from(legalHolds).where(and(eq(legalHolds.id, holdId), eq(legalHolds.tenantId, ctx.tenantId)));
    if (!row) throw notFound("Legal hold");
    await audit(tx, ctx, "retention.legal_hold_release_refused", { type: "legal_hold", id: row.id }, { unitId: row.unitId, reason: row.reason, released: row.releasedAt !== null });
  });
  // Thrown after the transaction committed, so the refused attempt stays in the audit log.
  throw forbidden("Releasing a legal hold weakens protection and must go through a guarded request, approved by a second administrator after a cooling-off delay; guarded requests are not available yet, so holds cannot be released for now");
}
