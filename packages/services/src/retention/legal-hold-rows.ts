// Legal holds as the console and the API list them: each with the name of the unit it covers, so
// a reader need not look ids up (the organisation-wide holds have none).
import { desc, eq, legalHolds, units, withTenant } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { toLegalHold } from "./store";
import type { LegalHoldView } from "./types";

export const LegalHoldRow = z.object({
  id: z.string().uuid(),
  /** null: the whole organisation. */
  unitId: z.string().uuid().nullable(),
  /** The covered unit's display name; null for an organisation-wide hold. */
  unitName: z.string().nullable(),
  reason: z.string(),
  placedByUserId: z.string().uuid().nullable(),
  placedAt: z.string().datetime(),
  releasedAt: z.string().datetime().nullable(),
  active: z.boolean(),
});
export type LegalHoldRow = z.infer<typeof LegalHoldRow>;

// The row is the view plus a name: a field added to one and not the other fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameFields: Same<Omit<LegalHoldRow, "unitName">, LegalHoldView> = true;
void _sameFields;

/** Every hold of the organisation, newest first, released ones included (they are history). */
export async function listLegalHoldRows(ctx: TenantContext): Promise<LegalHoldRow[]> {
  requireRole(ctx, "viewer", "Viewing legal holds");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const rows = await tx
      .select({ hold: legalHolds, unitName: units.displayName })
      .from(legalHolds)
      .leftJoin(units, eq(units.id, legalHolds.unitId))
      .where(eq(legalHolds.tenantId, ctx.tenantId))
      .orderBy(desc(legalHolds.placedAt), desc(legalHolds.id));
    return rows.map((r) => ({ ...toLegalHold(r.hold), unitName: r.unitName }));
  });
}
