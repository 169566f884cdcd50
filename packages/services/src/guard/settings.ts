// The organisation's cooling-off delay and its guardians. Lengthening the delay applies at once;
// shortening it, and adding or removing a guardian, are guarded requests themselves (a guardian is
// an approver, so adding one is as sensitive as removing one).
import { and, eq, memberships, organizations, sql, users, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { notFound } from "../errors";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "./request";
import { SetGuardDelayInput, SetGuardianInput, type Guarded } from "./types";

export interface GuardSettings {
  /** The organisation's own delay. */
  delayHours: number;
  /** What a request made now waits: the organisation's delay, or the platform's floor if that is longer. */
  effectiveDelaySeconds: number;
}

const HOUR = 3600;
const hours = (n: number) => `${n} hour${n === 1 ? "" : "s"}`;

export async function getGuardSettings(ctx: TenantContext): Promise<GuardSettings> {
  requireRole(ctx, "viewer", "Viewing the cooling-off delay");
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [org] = await tx.select({ seconds: organizations.guardDelaySeconds }).from(organizations).where(eq(organizations.id, ctx.tenantId));
    if (!org) throw notFound("Organization");
    const res = await tx.execute<{ s: string }>(sql`select extract(epoch from holdfast_guard_delay(${ctx.tenantId}::uuid))::text as s`);
    return { delayHours: Math.round(org.seconds / HOUR), effectiveDelaySeconds: Math.round(Number(res.rows[0]?.s ?? org.seconds)) };
  });
}

export async function setGuardDelay(ctx: TenantContext, raw: SetGuardDelayInput, deps: GuardDeps, notify: Omit<AnnounceOptions, "requestId"> = {}): Promise<Guarded<GuardSettings>> {
  const input = SetGuardDelayInput.parse(raw);
  requireRole(ctx, "owner", "Changing the cooling-off delay");
  const seconds = input.hours * HOUR;
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [org] = await tx.select({ seconds: organizations.guardDelaySeconds }).from(organizations).where(eq(organizations.id, ctx.tenantId)).for("update");
    if (!org) throw notFound("Organization");
    if (seconds >= org.seconds) {
      if (seconds === org.seconds) return { kind: "same" as const };
      await tx.update(organizations).set({ guardDelaySeconds: seconds }).where(eq(organizations.id, ctx.tenantId));
      await audit(tx, ctx, "guard.delay_lengthened", { type: "organization", id: ctx.tenantId }, { fromSeconds: org.seconds, toSeconds: seconds });
      return { kind: "lengthened" as const, from: org.seconds };
    }
    const row = await insertGuardedRequest(tx, ctx, {
      kind: "guard_delay.shorten",
      params: { seconds },
      summary: `Shorten the cooling-off delay of guarded requests from ${hours(Math.round(org.seconds / HOUR))} to ${hours(input.hours)}`,
    });
    return { kind: "requested" as const, row };
  });
  if (outcome.kind === "requested") return { outcome: "requested", request: await startGuardedRequest(ctx, outcome.row, deps) };
  if (outcome.kind === "lengthened") {
    await announceToAdmins(ctx.db, ctx.tenantId, {
      about: "guard.delay_lengthened",
      actor: ctx.actor,
      subject: "the cooling-off delay was lengthened",
      text: `The cooling-off delay of guarded requests was lengthened from ${hours(Math.round(outcome.from / HOUR))} to ${hours(input.hours)}. Requests made from now on wait at least that long after approval.`,
    }, { ...notify, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) });
  }
  return { outcome: "applied", result: await getGuardSettings(ctx) };
}

/** Makes a member a guardian, or stops them being one: always a guarded request (unless nothing would change). */
export async function setGuardian(ctx: TenantContext, raw: SetGuardianInput, deps: GuardDeps): Promise<Guarded<{ userId: string; guardian: boolean }>> {
  const input = SetGuardianInput.parse(raw);
  requireRole(ctx, "admin", input.guardian ? "Adding a guardian" : "Removing a guardian");
  const outcome = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [m] = await tx
      .select({ guardian: memberships.guardian, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, input.userId)));
    if (!m) throw notFound("Member");
    if (m.guardian === input.guardian) return null;
    return insertGuardedRequest(tx, ctx, {
      kind: input.guardian ? "guardian.add" : "guardian.remove",
      params: { userId: input.userId },
      summary: input.guardian ? `Make ${m.email} a guardian (they could then approve and cancel guarded requests)` : `Stop ${m.email} being a guardian`,
    });
  });
  if (!outcome) return { outcome: "applied", result: { userId: input.userId, guardian: input.guardian } };
  return { outcome: "requested", request: await startGuardedRequest(ctx, outcome, deps) };
}
