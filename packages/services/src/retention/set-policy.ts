// Changing a retention policy. Lengthening applies at once; anything that shortens any rule is a
// weakening of protection, which issue 7 routes through a guarded request (second approver,
// cooling-off delay). Until that exists, a weakening is refused — and the attempt is audited,
// since a refused shortening is exactly what a compromised admin's session would try.
import { and, eq, retentionPolicies, sql, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden } from "../errors";
import { findSource, findUnit } from "../sources/guards";
import { compareRetention, type RetentionComparison, type RetentionPolicy } from "./policy";
import { effectiveOf, lockRetention, storedPolicies } from "./store";
import { SetRetentionPolicyInput, type RetentionScope } from "./types";

const FIELDS = ["keepAllDays", "daily", "weekly", "monthly", "yearly", "forever", "offboardedKeepDays"] as const;

/** The rules `next` keeps for less time than `old` (for the refusal message). */
function shortened(old: RetentionPolicy, next: RetentionPolicy): string[] {
  if (old.forever && !next.forever) return ["forever"];
  return FIELDS.filter((f) => f !== "forever" && next[f] < old[f]);
}

export interface SetRetentionPolicyResult {
  scope: RetentionScope;
  scopeId: string | null;
  policy: RetentionPolicy;
  /** How the saved policy compares with what was in force at that scope before. */
  comparison: Extract<RetentionComparison, "longer" | "same">;
}

export async function setRetentionPolicy(ctx: TenantContext, raw: SetRetentionPolicyInput): Promise<SetRetentionPolicyResult> {
  const input = SetRetentionPolicyInput.parse(raw);
  requireRole(ctx, "admin", "Changing retention");
  const scopeId = input.scopeId ?? null;
  const target = { type: input.scope === "organization" ? "organization" : input.scope, id: scopeId ?? ctx.tenantId };
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await lockRetention(tx, ctx.tenantId);
    // What is in force at the scope now: the override there, else what it inherits.
    let at: { sourceId?: string; unitId?: string } = {};
    if (input.scope === "source") at = { sourceId: (await findSource(tx, ctx.tenantId, scopeId ?? "")).id };
    if (input.scope === "unit") {
      const unit = await findUnit(tx, ctx.tenantId, scopeId ?? "");
      at = { sourceId: unit.sourceId, unitId: unit.id };
    }
    const stored = await storedPolicies(tx, ctx.tenantId, at);
    const current = effectiveOf(input.scope === "organization" ? { organization: stored.organization } : input.scope === "source" ? { organization: stored.organization, source: stored.source } : stored);
    const comparison = compareRetention(current.policy, input.policy);
    if (comparison === "shorter" || comparison === "mixed") {
      await audit(tx, ctx, "retention.shorten_refused", target, { scope: input.scope, scopeId, current: current.policy, currentFrom: current.scope, requested: input.policy, comparison });
      return { kind: "refused" as const, fields: shortened(current.policy, input.policy) };
    }
    const own = stored[input.scope];
    if (own && JSON.stringify(own) === JSON.stringify(input.policy)) return { kind: "saved" as const, comparison: "same" as const };
    const updatedByUserId = ctx.actor.type === "user" ? ctx.actor.id : null;
    const values = { policy: input.policy, updatedByUserId, updatedAt: new Date() };
    if (own) {
      await tx
        .update(retentionPolicies)
        .set(values)
        .where(and(eq(retentionPolicies.tenantId, ctx.tenantId), eq(retentionPolicies.scope, input.scope), scopeId === null ? sql`${retentionPolicies.scopeId} IS NULL` : eq(retentionPolicies.scopeId, scopeId)));
    } else {
      await tx.insert(retentionPolicies).values({ tenantId: ctx.tenantId, scope: input.scope, scopeId, ...values });
    }
    await audit(tx, ctx, "retention.policy_changed", target, { scope: input.scope, scopeId, before: current.policy, beforeFrom: current.scope, after: input.policy, comparison });
    return { kind: "saved" as const, comparison };
  });
  if (outcome.kind === "refused") {
    // Thrown after the transaction committed, so the refused attempt stays in the audit log.
    throw forbidden(
      `This change shortens retention (${outcome.fields.join(", ")}). Shortening retention must go through a guarded request, approved by a second administrator after a cooling-off delay; guarded requests are not available yet, so retention can only be kept or lengthened for now`,
    );
  }
  return { scope: input.scope, scopeId, policy: input.policy, comparison: outcome.comparison };
}
