import { parseApiKey, secretMatches, type Role } from "@holdfast/auth";
import { apiKeys, sql, withTenant, type Database } from "@holdfast/db";
import { unauthorized } from "../errors";

export interface ApiKeyPrincipal {
  keyId: string;
  tenantId: string;
  role: Role;
}

type KeyRow = {
  id: string;
  tenant_id: string;
  secret_hash: string;
  role: Role;
  expires_at: Date | null;
  revoked_at: Date | null;
};

/** Resolve `Authorization: Bearer hf_…`. Unknown, malformed, expired and revoked keys all get the same 401. */
export async function authenticateApiKey(db: Database, bearer: string | null | undefined, now = new Date()): Promise<ApiKeyPrincipal> {
  const invalid = unauthorized("Invalid or revoked API key");
  const parsed = bearer ? parseApiKey(bearer) : null;
  if (!parsed) throw invalid;
  const result = await db.execute<KeyRow>(sql`select * from holdfast_api_key_lookup(${parsed.prefix})`);
  const row = result.rows[0];
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw invalid;
  if (row.revoked_at || (row.expires_at && new Date(row.expires_at) <= now)) throw invalid;
  // Coarse last-used stamp: at most one write a minute per key.
  await withTenant(db, row.tenant_id, (tx) =>
    tx
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(sql`${apiKeys.id} = ${row.id} and (${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < ${new Date(now.getTime() - 60_000)})`),
  );
  return { keyId: row.id, tenantId: row.tenant_id, role: row.role };
}

