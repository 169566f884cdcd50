// Changing a retention policy. Lengthening applies at once; anything that shortens any rule is a
// weakening of protection and becomes a guarded request (docs/adr/0020-guarded-requests.md): it is
// announced to every owner, admin and guardian, needs a second person's approval and runs only
// after the cooling-off delay — applied then by the database's guard, never by this code.
import { and, eq, retentionPolicies, sql, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";
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

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A policy in plain words, for the admins' email. */
function inWords(p: RetentionPolicy): string {
  if (p.forever) return "every backup kept forever";
  const points = ([["daily", p.daily, "day"], ["weekly", p.weekly, "week"], ["monthly", p.monthly, "month"], ["yearly", p.yearly, "year"]] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n, unit]) => `${name} points ${plural(n, unit)}`);
  const leavers = p.offboardedKeepDays > 0 ? `leavers' backups at least ${plural(p.offboardedKeepDays, "day")}` : "leavers' backups like everyone's";
  return [`every backup kept ${plural(p.keepAllDays, "day")}`, ...points, leavers].join(", ");
}

const FROM_WORDS = { default: "Holdfast's default", organization: "the organisation's policy", source: "the source's override", unit: "the account's override" } as const;

export interface SetRetentionPolicyResult {
  outcome: "applied";
  scope: RetentionScope;
  scopeId: string | null;
  policy: RetentionPolicy;
  /** How the saved policy compares with what was in force at that scope before. */
  comparison: Extract<RetentionComparison, "longer" | "same">;
}

/** A shortening: asked for, to run after approval and the delay. */
export interface RetentionChangeRequested {
  outcome: "requested";
  request: GuardedRequestView;
}

/**
 * `notify`: how to announce the change to the organisation's admins (the console's URL for the
 * audit link); `deps.guard`: the job runner that carries a shortening's guarded request.
 */
export async function setRetentionPolicy(
  ctx: TenantContext,
  raw: SetRetentionPolicyInput,
  notify: Omit<AnnounceOptions, "requestId"> = {},
  deps: GuardDeps = { guard: undefined },
): Promise<SetRetentionPolicyResult | RetentionChangeRequested> {
  const input = SetRetentionPolicyInput.parse(raw);
  requireRole(ctx, "admin", "Changing retention");
  const scopeId = input.scopeId ?? null;
  const target = { type: input.scope === "organization" ? "organization" : input.scope, id: scopeId ?? ctx.tenantId };
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await lockRetention(tx, ctx.tenantId);
    // What is in force at the scope now: the override there, else what it inherits.
    let at: { sourceId?: string; unitId?: string } = {};
    let where = "the whole organisation";
    if (input.scope === "source") {
      const source = await findSource(tx, ctx.tenantId, scopeId ?? "");
      at = { sourceId: source.id };
      where = `the source "${source.displayName}"`;
    }
    if (input.scope === "unit") {
      const unit = await findUnit(tx, ctx.tenantId, scopeId ?? "");
      at = { sourceId: unit.sourceId, unitId: unit.id };
      where = `the account "${unit.displayName}"`;
    }
    const stored = await storedPolicies(tx, ctx.tenantId, at);
    const current = effectiveOf(input.scope === "organization" ? { organization: stored.organization } : input.scope === "source" ? { organization: stored.organization, source: stored.source } : stored);
    const comparison = compareRetention(current.policy, input.policy);
    if (comparison === "shorter" || comparison === "mixed") {
      const fields = shortened(current.policy, input.policy);
      const row = await insertGuardedRequest(tx, ctx, {
        kind: "retention.shorten",
        params: { scope: input.scope, scopeId, policy: input.policy },
        summary: `Shorten retention for ${where} (${fields.join(", ")}): from ${inWords(current.policy)} (${FROM_WORDS[current.scope]}) to ${inWords(input.policy)}`,
      });
      return { kind: "requested" as const, row };
    }
    const own = stored[input.scope];
    if (own && JSON.stringify(own) === JSON.stringify(input.policy)) return { kind: "unchanged" as const };
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
    return { kind: "saved" as const, comparison, where, current };
  });
  // Announced after the commit: the admins hear of what happened, and a failed send cannot undo it.
  // (A requested shortening is announced by its workflow, durably.)
  const announce = { ...notify, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
  if (outcome.kind === "requested") return { outcome: "requested", request: await startGuardedRequest(ctx, outcome.row, deps) };
  if (outcome.kind === "unchanged") return { outcome: "applied", scope: input.scope, scopeId, policy: input.policy, comparison: "same" };
  // "same" is still a saved change (e.g. an override that repeats what it inherited): announced too.
  const how = outcome.comparison === "longer" ? "lengthened" : "changed (nothing is kept for less time)";
  await announceToAdmins(ctx.db, ctx.tenantId, {
    about: "retention.policy_changed",
    actor: ctx.actor,
    subject: outcome.comparison === "longer" ? "retention was lengthened" : "retention was changed",
    text: [`Retention for ${outcome.where} was ${how}.`, "", `Before: ${inWords(outcome.current.policy)} (${FROM_WORDS[outcome.current.scope]}).`, `After: ${inWords(input.policy)}.`].join("\n"),
  }, announce);
  return { outcome: "applied", scope: input.scope, scopeId, policy: input.policy, comparison: outcome.comparison };
}
