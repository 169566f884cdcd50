// An API key acts without a password or a second factor: an intruder's first move is often to make
// one for persistence. So creating one (like revoking one) is announced at once to every owner,
// admin and guardian (email and webhooks), and a closed organisation gets no new keys.
import { generateApiKey } from "@holdfast/auth";
import { apiKeys, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { announceToAdmins } from "../notify/announce";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { CreateApiKeyInput, type CreatedApiKey } from "../types";
import { assertCanManageRole } from "../members/guards";
import { toApiKey } from "./map";

/**
 * The key, recorded and audited, without the announcement: for the operator CLI's bootstrap, whose
 * organisation is being born with this key and has no other admin to tell. Everyone else calls `createApiKey`.
 */
export async function insertApiKey(ctx: TenantContext, raw: CreateApiKeyInput, now = new Date()): Promise<CreatedApiKey> {
  const input = CreateApiKeyInput.parse(raw);
  requireRole(ctx, "admin", "Creating an API key");
  assertCanManageRole(ctx, input.role);
  const generated = generateApiKey();
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "no API key can be created");
    const [row] = await tx
      .insert(apiKeys)
      .values({
        tenantId: ctx.tenantId,
        name: input.name,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
        role: input.role,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
        expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    if (!row) throw new Error("api key insert returned no row");
    await audit(tx, ctx, "api_key.created", { type: "api_key", id: row.id }, { name: row.name, role: row.role, prefix: row.prefix });
    return { apiKey: toApiKey(row), key: generated.key };
  });
}

/** A new key acting with at most the creator's role. The full key is returned once and never stored. */
export async function createApiKey(ctx: TenantContext, raw: CreateApiKeyInput, now = new Date()): Promise<CreatedApiKey> {
  const created = await insertApiKey(ctx, raw, now);
  const { name, prefix, role, expiresAt } = created.apiKey;
  await announceToAdmins(
    ctx.db,
    ctx.tenantId,
    {
      about: "api_key.created",
      actor: ctx.actor,
      subject: `API key "${name}" created with the ${role} role`,
      text: `A new API key "${name}" (${prefix}…) was created with the ${role} role, ${expiresAt ? `valid until ${expiresAt}` : "with no expiry"}. Whoever holds it can act on the organisation as ${role} without signing in. If nobody you trust made it, revoke it now.`,
      at: now,
    },
    ctx.requestId ? { requestId: ctx.requestId } : {},
  );
  return created;
}
