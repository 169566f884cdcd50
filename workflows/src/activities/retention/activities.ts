// The retention sweep's activities (docs/adr/0018-retention-policies.md, "Sweep"). Each step is
// idempotent, so a retried activity redoes no harm: raising a lock again is a no-op, an extended
// snapshot leaves the held list, an expired one the committed set.
import { ApplicationFailure, Context } from "@temporalio/activity";
import {
  BeginRetentionSweepInput,
  CollectVaultGarbageInput,
  ExpireSnapshotsInput,
  ExtendHeldSnapshotsInput,
  FinishRetentionSweepInput,
  type GcSummary,
  RetentionTenantsInput,
} from "../../retention-contracts";
import type { RetentionPorts } from "./ports";

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw ApplicationFailure.nonRetryable(`invalid ${what} input: ${r.error.message}`, "ValidationError");
  return r.data;
}

export function createRetentionActivities(ports: RetentionPorts) {
  return {
    async retentionSweepTenants(raw: RetentionTenantsInput): Promise<string[]> {
      parse(RetentionTenantsInput, raw, "retentionSweepTenants");
      return ports.tenants();
    },

    async beginRetentionSweep(raw: BeginRetentionSweepInput): Promise<string> {
      const input = parse(BeginRetentionSweepInput, raw, "beginRetentionSweep");
      return ports.startSweep(input.tenantId, new Date(input.at));
    },

    /** Extends up to `limit` held snapshots: vault locks first, then the catalogue. */
    async extendHeldSnapshots(raw: ExtendHeldSnapshotsInput): Promise<{ extended: number; more: boolean }> {
      const input = parse(ExtendHeldSnapshotsInput, raw, "extendHeldSnapshots");
      // Activity time, not the workflow's: the new date must be far enough ahead of the server's clock.
      const now = new Date();
      const until = ports.extensionDate(now);
      const due = await ports.heldSnapshots(input.tenantId, now, input.limit);
      let extended = 0;
      for (const s of due) {
        try {
          await ports.raiseVaultLocks(input.tenantId, s.vaultSnapshotId, until);
        } catch (e) {
          throw new Error(`could not raise the vault locks of held snapshot ${s.snapshotId} (vault snapshot ${s.vaultSnapshotId}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        await ports.recordExtension(input.tenantId, s.snapshotId, until);
        extended += 1;
        Context.current().heartbeat(extended);
      }
      return { extended, more: due.length === input.limit };
    },

    async expireRetainedSnapshots(raw: ExpireSnapshotsInput): Promise<number> {
      const input = parse(ExpireSnapshotsInput, raw, "expireRetainedSnapshots");
      return ports.expire(input.tenantId, new Date(input.at));
    },

    async collectVaultGarbage(raw: CollectVaultGarbageInput): Promise<GcSummary> {
      const input = parse(CollectVaultGarbageInput, raw, "collectVaultGarbage");
      const r = await ports.collectGarbage(input.tenantId, input.sweepId);
      if (r.problems > 0) Context.current().log.warn("the vault's GC reported problems; see the sweep's gc_report", { tenantId: input.tenantId, sweepId: input.sweepId, problems: r.problems });
      return r;
    },

    async finishRetentionSweep(raw: FinishRetentionSweepInput): Promise<void> {
      const input = parse(FinishRetentionSweepInput, raw, "finishRetentionSweep");
      await ports.finishSweep(input.tenantId, input.sweepId, {
        expiredSnapshots: input.expiredSnapshots,
        heldExtended: input.heldExtended,
        ...(input.error !== undefined ? { error: input.error } : {}),
      });
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
