// The guardedRequest workflow's activities: thin, so a retry after a lost connection is safe (the
// guard functions check the row's state under a lock, so applying twice cannot happen).
import { ApplicationFailure, Context } from "@temporalio/activity";
import { GUARD_REFUSED, type GuardedRequestSnapshot, type GuardStepEvent } from "../../guard-contracts";
import { deleteSourceSchedule } from "../../schedules";
import type { GuardPorts } from "./ports";

export function createGuardActivities(ports: GuardPorts) {
  /**
   * What an executed request leaves to the job runner: an erasure is written to the vault's erasure
   * ledger and a rotation of the vault's credentials carried out (a failure of either throws, see
   * below); a removed source's schedule is deleted, and every source's when the organisation was
   * closed. A schedule's failure is logged, never thrown: the removal stands (the database did it),
   * and a backup a left-over schedule still starts is refused before it touches the provider. One
   * schedule failing does not keep the others from being deleted.
   */
  async function afterExecuted(tenantId: string, requestId: string): Promise<void> {
    const ctx = Context.current();
    // An erasure must reach the vault's ledger, or an offline restore would bring the items back:
    // unlike the schedules below, a failure here is thrown and the activity retried (the database
    // refuses to apply twice; the retry comes back here through the "already executed" path).
    if (ports.recordErasure) {
      try {
        const r = await ports.recordErasure(tenantId, requestId);
        if (r) ctx.log.info("erasure recorded in the vault's ledger", { tenantId, requestId, items: r.items, written: r.written });
      } catch (e) {
        ctx.log.error("the erasure could not be recorded in the vault's ledger; retrying", { tenantId, requestId, error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    }
    // Likewise a rotation: until it has run, the identities the request was meant to cut off still
    // open the vault. It is named after the request, so a retry finishes what an attempt left.
    if (ports.rotateVaultCredentials) {
      try {
        const r = await ports.rotateVaultCredentials(tenantId, requestId);
        if (r) ctx.log.info("the vault's credentials rotated", { tenantId, requestId, rotated: r.rotated, deleted: r.deleted });
      } catch (e) {
        ctx.log.error("the vault's credentials could not be rotated; retrying", { tenantId, requestId, error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    }
    const sourceIds: string[] = [];
    try {
      const removed = ports.sourceRemovedBy ? await ports.sourceRemovedBy(tenantId, requestId) : null;
      if (removed) sourceIds.push(removed);
      if (ports.sourcesClosedBy) sourceIds.push(...(await ports.sourcesClosedBy(tenantId, requestId)));
    } catch (e) {
      ctx.log.error("the removed sources could not be read; their backup schedules are left, and their backups are refused anyway", { tenantId, requestId, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    for (const sourceId of new Set(sourceIds)) {
      try {
        await deleteSourceSchedule(ctx.client, sourceId);
      } catch (e) {
        ctx.log.error("the removed source's backup schedule could not be deleted; its backups are refused anyway", { tenantId, requestId, sourceId, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  return {
    async loadGuardedRequest(input: { tenantId: string; requestId: string }): Promise<GuardedRequestSnapshot> {
      return ports.load(input.tenantId, input.requestId);
    },
    async approveGuardedRequest(input: { tenantId: string; requestId: string; userId: string }): Promise<{ status: GuardedRequestSnapshot["status"] }> {
      const r = await ports.approve(input.tenantId, input.requestId, input.userId);
      if (r.refused) throw ApplicationFailure.create({ type: GUARD_REFUSED, message: r.refused.message, details: [r.refused.code], nonRetryable: true });
      return { status: r.status ?? "approved" };
    },
    async applyGuardedRequest(input: { tenantId: string; requestId: string }): Promise<{ status: GuardedRequestSnapshot["status"]; failure?: string; refused?: string }> {
      const r = await ports.apply(input.tenantId, input.requestId);
      // A refusal here (cancelled meanwhile, not yet due) is an answer, not an error to retry.
      if (r.refused) {
        const status = (await ports.load(input.tenantId, input.requestId)).status;
        // Executed by an earlier attempt whose answer was lost: its follow-up may not have run.
        if (status === "executed") await afterExecuted(input.tenantId, input.requestId);
        return { status, refused: r.refused.message };
      }
      const status = r.status ?? "executed";
      if (status === "executed") await afterExecuted(input.tenantId, input.requestId);
      return { status, ...(r.failure ? { failure: r.failure } : {}) };
    },
    async expireGuardedRequest(input: { tenantId: string; requestId: string }): Promise<{ status: GuardedRequestSnapshot["status"] }> {
      return ports.expire(input.tenantId, input.requestId);
    },
    async announceGuardedRequest(input: { tenantId: string; requestId: string; event: GuardStepEvent }): Promise<void> {
      await ports.announce(input.tenantId, input.requestId, input.event);
    },
  };
}

export type GuardActivities = ReturnType<typeof createGuardActivities>;
