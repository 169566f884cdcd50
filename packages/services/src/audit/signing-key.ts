// A tenant's Ed25519 key for signing daily audit digests: created on first use, the private half
// sealed with the KEK and opened only inside the worker's signing call (never logged or returned).
import { generateKeyPairSync, createPrivateKey, sign } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { auditSigningKeys, eq, withTenant, type Tx } from "@holdfast/db";
import { audit, type TenantContext } from "../context";

const purpose = (tenantId: string) => `audit-signing:${tenantId}`;

export interface AuditSigningKey {
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  createdAt: Date;
}

interface StoredKey extends AuditSigningKey {
  privateKeyEnc: string;
}

async function readKey(tx: Tx, tenantId: string): Promise<StoredKey | undefined> {
  const [row] = await tx
    .select({ publicKey: auditSigningKeys.publicKey, privateKeyEnc: auditSigningKeys.privateKeyEnc, createdAt: auditSigningKeys.createdAt })
    .from(auditSigningKeys)
    .where(eq(auditSigningKeys.tenantId, tenantId));
  return row;
}

/** The tenant's key, created (and audited) inside `tx` when it has none yet. */
export async function ensureSigningKey(tx: Tx, ctx: TenantContext): Promise<StoredKey> {
  const existing = await readKey(tx, ctx.tenantId);
  if (existing) return existing;
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // The JWK `x` is the raw 32-byte public key (RFC 8037), which is what we publish.
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const inserted = await tx
    .insert(auditSigningKeys)
    .values({ tenantId: ctx.tenantId, publicKey: raw.toString("base64"), privateKeyEnc: seal(kekConfig().kek, pkcs8.toString("base64"), purpose(ctx.tenantId)) })
    .onConflictDoNothing()
    .returning({ id: auditSigningKeys.id });
  const row = await readKey(tx, ctx.tenantId);
  if (!row) throw new Error("audit signing key insert returned no row");
  if (inserted[0]) await audit(tx, ctx, "audit.signing_key_created", { type: "audit_signing_key", id: inserted[0].id }, { publicKey: row.publicKey });
  return row;
}

/** Ed25519 signature (base64) of `payload`'s UTF-8 bytes. */
export function signWithKey(key: StoredKey, tenantId: string, payload: string): string {
  const der = Buffer.from(open(kekConfig().kek, key.privateKeyEnc, purpose(tenantId)), "base64");
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return sign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64");
}

/** The tenant's public key, or null before its first digest. */
export async function findSigningKey(ctx: TenantContext): Promise<AuditSigningKey | null> {
  const row = await withTenant(ctx.db, ctx.tenantId, (tx) => readKey(tx, ctx.tenantId));
  return row ? { publicKey: row.publicKey, createdAt: row.createdAt } : null;
}
