// Reading the stored policies inside a tenant transaction. Precedence: unit override > source
// override > organisation > Holdfast's default.
import { and, eq, inArray, legalHolds, retentionPolicies, sql, type LegalHold, type Tx } from "@holdfast/db";
import { DEFAULT_RETENTION_POLICY, RetentionPolicy } from "./policy";
import type { LegalHoldView, RetentionScope, RetentionSource } from "./types";

export interface StoredPolicies {
  organization: RetentionPolicy | null;
  source: RetentionPolicy | null;
  unit: RetentionPolicy | null;
}

/** The policies stored for the organisation and (when given) one source and one unit. */
export async function storedPolicies(tx: Tx, tenantId: string, at: { sourceId?: string; unitId?: string }): Promise<StoredPolicies> {
  const ids = [at.sourceId, at.unitId].filter((x): x is string => x !== undefined);
  const rows = await tx
    .select({ scope: retentionPolicies.scope, scopeId: retentionPolicies.scopeId, policy: retentionPolicies.policy })
    .from(retentionPolicies)
    .where(
      and(
        eq(retentionPolicies.tenantId, tenantId),
        ids.length > 0 ? sql`(${retentionPolicies.scope} = 'organization' OR ${inArray(retentionPolicies.scopeId, ids)})` : eq(retentionPolicies.scope, "organization"),
      ),
    );
  // A stored policy that no longer parses is a corrupted row: fail loudly rather than guess.
  const find = (scope: RetentionScope, id?: string) => {
    const row = rows.find((r) => r.scope === scope && (scope === "organization" || (id !== undefined && r.scopeId === id)));
    return row ? RetentionPolicy.parse(row.policy) : null;
  };
  return { organization: find("organization"), source: find("source", at.sourceId), unit: find("unit", at.unitId) };
}

/** The policy in force given what is stored, and where it comes from. */
export function effectiveOf(stored: Partial<StoredPolicies>): { policy: RetentionPolicy; scope: RetentionSource } {
  if (stored.unit) return { policy: stored.unit, scope: "unit" };
  if (stored.source) return { policy: stored.source, scope: "source" };
  if (stored.organization) return { policy: stored.organization, scope: "organization" };
  return { policy: DEFAULT_RETENTION_POLICY, scope: "default" };
}

/** Serialises policy and hold changes within a tenant, so each change is compared with the latest. */
export async function lockRetention(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"holdfast.retention:" + tenantId}, 0))`);
}

export function toLegalHold(r: LegalHold): LegalHoldView {
  return {
    id: r.id,
    unitId: r.unitId,
    reason: r.reason,
    placedByUserId: r.placedByUserId,
    placedAt: r.placedAt.toISOString(),
    releasedAt: r.releasedAt ? r.releasedAt.toISOString() : null,
    active: r.releasedAt === null,
  };
}

/** Active holds covering the organisation as a whole, or one of `unitIds`. */
export async function activeHolds(tx: Tx, tenantId: string, unitIds: readonly string[]): Promise<LegalHoldView[]> {
  const rows = await tx
    .select()
    .from(legalHolds)
    .where(
      and(
        eq(legalHolds.tenantId, tenantId),
        sql`${legalHolds.releasedAt} IS NULL`,
        unitIds.length > 0 ? sql`(${legalHolds.unitId} IS NULL OR ${inArray(legalHolds.unitId, [...unitIds])})` : sql`${legalHolds.unitId} IS NULL`,
      ),
    )
    .orderBy(legalHolds.placedAt);
  return rows.map(toLegalHold);
}
