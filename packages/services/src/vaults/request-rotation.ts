// Rotating the vault's credentials (issue 7, ADR 0005): the three identities that reach the tenant's
// bucket are replaced by new ones and the old ones deleted at the storage provider. It cuts off
// whoever holds a copy of the current ones (a leaked worker environment, a stolen backup of our
// secrets) — and, in the wrong hands, it would cut off our own backups for a while, so it is a
// guarded request like every other action that weakens protection: a second person approves it with
// a fresh second factor, it waits out the cooling-off delay, every admin is told at each step.
// Nothing changes here; the worker does the rotation once the guard has carried the request out.
import { and, eq, guardedRequests, tenantVaults, withTenant, type Database } from "@holdfast/db";
import { z } from "zod";
import { requireRole, type TenantContext } from "../context";
import { preconditionFailed } from "../errors";
import { insertGuardedRequest, startGuardedRequest, type GuardDeps } from "../guard/request";
import type { GuardedRequestView } from "../guard/types";

export const RotateVaultCredentialsInput = z
  .object({
    /** Why (a suspected leak, a routine rotation): shown to whoever is asked to approve. */
    reason: z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters").optional(),
  })
  .strict();
export type RotateVaultCredentialsInput = z.input<typeof RotateVaultCredentialsInput>;

/** Asks for new vault credentials (admins and owners); the current ones work until the worker has stored the new ones. */
export async function requestVaultCredentialRotation(ctx: TenantContext, raw: RotateVaultCredentialsInput, deps: GuardDeps): Promise<GuardedRequestView> {
  const input = RotateVaultCredentialsInput.parse(raw);
  requireRole(ctx, "admin", "Rotating the vault's credentials");
  const row = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    // A closed organisation may rotate too: its backups stay in the vault until their dates.
    const [vault] = await tx.select({ bucket: tenantVaults.bucket }).from(tenantVaults);
    if (!vault) throw preconditionFailed("This organisation has no vault yet, so it has no credentials to rotate; provision it first");
    return insertGuardedRequest(tx, ctx, {
      kind: "vault.rotate_credentials",
      params: {},
      summary: `Rotate the vault's credentials (bucket ${vault.bucket}): new writer, reader and garbage-collector identities; the current ones stop working and are deleted${input.reason ? `. Reason given: ${input.reason}` : ""}`,
    });
  });
  return startGuardedRequest(ctx, row, deps);
}

/** Whether `requestId` is an executed `vault.rotate_credentials` request of the tenant, and when it was executed. */
export async function executedRotation(db: Database, tenantId: string, requestId: string): Promise<{ executedAt: Date } | null> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .select({ kind: guardedRequests.kind, status: guardedRequests.status, executedAt: guardedRequests.executedAt })
      .from(guardedRequests)
      .where(and(eq(guardedRequests.id, requestId), eq(guardedRequests.tenantId, tenantId))),
  );
  if (!row || row.kind !== "vault.rotate_credentials" || row.status !== "executed" || !row.executedAt) return null;
  return { executedAt: row.executedAt };
}
