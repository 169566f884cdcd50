import { and, eq, units, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { validation } from "../errors";
import { findSource, refuseIfRemoved } from "./guards";
import { toUnit } from "./map";
import { SyncUnitsInput, type SyncUnitsResult } from "./types";

const keyOf = (u: { kind: string; externalId: string }) => `${u.kind}:${u.externalId}`;

/**
 * Apply one full discovery: new units start protected (`auto`) unless an admin excludes them — or
 * start `excluded` when the source's `autoProtectNewUnits` is off;
 * known units are refreshed; units discovery no longer lists become `gone`, never deleted, so
 * their backups stay browseable. Protection changes (units added or gone) are audited.
 */
export async function syncDiscoveredUnits(ctx: TenantContext, raw: SyncUnitsInput, now = new Date()): Promise<SyncUnitsResult> {
  const input = SyncUnitsInput.parse(raw);
  requireRole(ctx, "operator", "Recording discovered units");
  const seen = new Set<string>();
  for (const u of input.units) {
    if (seen.has(keyOf(u))) throw validation(`Discovery listed unit ${keyOf(u)} twice`);
    seen.add(keyOf(u));
  }
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const source = await findSource(tx, ctx.tenantId, input.sourceId);
    refuseIfRemoved(source, "its accounts are not discovered any more");
    const newProtection = source.autoProtectNewUnits ? "auto" : "excluded";
    const existing = await tx.select().from(units).where(and(eq(units.sourceId, input.sourceId), eq(units.tenantId, ctx.tenantId)));
    const byKey = new Map(existing.map((u) => [keyOf(u), u]));
    const added: SyncUnitsResult["added"] = [];
    let updated = 0;
    for (const d of input.units) {
      const state = d.owner?.state ?? "active";
      const fields = { displayName: d.displayName, ownerEmail: d.owner?.email ?? null, ownerExternalId: d.owner?.externalId ?? null, state, lastSeenAt: now, attributes: d.attributes ?? {} };
      const known = byKey.get(keyOf(d));
      if (known) {
        await tx.update(units).set(fields).where(and(eq(units.id, known.id), eq(units.tenantId, ctx.tenantId)));
        updated++;
      } else {
        const [row] = await tx
          .insert(units)
          .values({ tenantId: ctx.tenantId, sourceId: input.sourceId, kind: d.kind, externalId: d.externalId, protection: newProtection, discoveredAt: now, ...fields })
          .returning();
        if (!row) throw new Error("unit insert returned no row");
        added.push(toUnit(row));
      }
    }
    const gone = existing.filter((u) => u.state !== "gone" && !seen.has(keyOf(u))).map((u) => u.id);
    for (const id of gone) await tx.update(units).set({ state: "gone" }).where(and(eq(units.id, id), eq(units.tenantId, ctx.tenantId)));
    if (added.length > 0 || gone.length > 0) {
      await audit(tx, ctx, "source.units_changed", { type: "source", id: input.sourceId }, {
        addedCount: added.length,
        goneCount: gone.length,
        // Enough to see who became protected; the full list is in the units table.
        added: added.slice(0, 100).map((u) => ({ id: u.id, kind: u.kind, displayName: u.displayName, protection: u.protection })),
        gone: gone.slice(0, 100),
      });
    }
    return { added, updated, gone };
  });
}
