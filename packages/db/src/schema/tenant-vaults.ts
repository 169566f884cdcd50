import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

/**
 * Each tenant's vault: a bucket with Object Lock at the vault provider, and the three identities
 * of ADR 0005 (writer, reader, gc). Their secrets are stored only as secret-box values sealed with
 * the KEK outside the database (bound to tenant and role), so a copy of the database alone cannot
 * reach the bucket — and even the writer identity cannot delete anything in it.
 */
export const tenantVaults = pgTable(
  "tenant_vaults",
  {
    tenantId: uuid("tenant_id").primaryKey().references(() => organizations.id, { onDelete: "restrict" }),
    bucket: text("bucket").notNull().unique(),
    /** The vault's own id (hex), from its config object: a bucket swapped under us is refused. */
    vaultId: text("vault_id").notNull(),
    writerEnc: text("writer_enc").notNull(),
    readerEnc: text("reader_enc").notNull(),
    gcEnc: text("gc_enc").notNull(),
    /** The wrapping key the vault's master key is sealed under (e.g. `local:…`, a KMS key ARN). */
    kmsKeyId: text("kms_key_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * The last rotation of the three identities (a `vault.rotate_credentials` guarded request, ADR 0005):
     * when, by which request, and the access key ids it retired (deleted at the provider once the new
     * ones were stored; names only, never a secret). Set only by `holdfast_vault_store_rotation`.
     */
    credentialsRotatedAt: timestamp("credentials_rotated_at", { withTimezone: true }),
    credentialsRotatedByRequestId: uuid("credentials_rotated_by_request_id"),
    retiredAccessKeyIds: text("retired_access_key_ids").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    check("tenant_vaults_sealed", sql`${t.writerEnc} ~ '^v1\\.' AND ${t.readerEnc} ~ '^v1\\.' AND ${t.gcEnc} ~ '^v1\\.'`),
    tenantPolicy("tenant_vaults"),
  ],
).enableRLS();

export type TenantVault = typeof tenantVaults.$inferSelect;
