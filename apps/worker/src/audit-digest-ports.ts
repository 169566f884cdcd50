// The audit-digest ports, wired to the real system: @holdfast/services' digest verbs as each
// tenant's `system` actor (under RLS), and the tenant's vault opened with its writer identity for
// the locked PUTs. The digests are plaintext (signed, not secret); the signing key never leaves
// buildDailyDigest. Shape: AuditDigestPorts (@holdfast/workflows activities/audit-digest/ports.ts).
import type { Database } from "@holdfast/db";
import { auditDigestDaysDue, auditDigestTenants, auditDigestVaultObject, auditSigningKeyVaultObject, buildDailyDigest, systemContext, type AuditVaultObject, type BuiltAuditDigest } from "@holdfast/services";
import { openTenantVault } from "@holdfast/services/vaults";
import type { ObjectStore } from "@holdfast/vault/store";

/** Writes the object unless its key is there already (a digest's bytes never change, so one version is enough). */
async function putOnce(store: ObjectStore, o: AuditVaultObject): Promise<boolean> {
  if (await store.head(o.key)) return false;
  await store.put(o.key, o.body, { retainUntil: o.retainUntil, contentType: "application/json" });
  return true;
}

export function createAuditDigestPorts(opts: { db: Database; workerId: string }) {
  const ctx = (tenantId: string) => systemContext(opts.db, tenantId, opts.workerId);
  return {
    tenants: (_now: Date) => auditDigestTenants(opts.db),
    daysDue: (tenantId: string, now: Date, maxDays: number) => auditDigestDaysDue(ctx(tenantId), now, maxDays),
    async digestDays(tenantId: string, days: readonly string[], now: Date) {
      const c = ctx(tenantId);
      const built: BuiltAuditDigest[] = [];
      for (const day of days) built.push(await buildDailyDigest(c, day, now));
      if (built.length === 0) return { days: [], keyWritten: false };
      const vault = await openTenantVault(c, "writer");
      try {
        // The key goes first (a digest without it cannot be checked), locked at least as long as the newest digest.
        const until = new Date(Math.max(...built.map((d) => new Date(d.lockedUntil).getTime())));
        const keyObject = await auditSigningKeyVaultObject(c, until);
        const keyWritten = await putOnce(vault.store, keyObject);
        if (!keyWritten) await vault.store.extendRetention(keyObject.key, until);
        const out = [];
        for (const d of built) out.push({ day: d.day, created: d.created, written: await putOnce(vault.store, auditDigestVaultObject(d)) });
        return { days: out, keyWritten };
      } finally {
        await vault.close();
      }
    },
  };
}

export type AuditDigestWorkerPorts = ReturnType<typeof createAuditDigestPorts>;
