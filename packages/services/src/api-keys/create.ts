import { generateApiKey } from "@holdfast/auth";
import { apiKeys, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { CreateApiKeyInput, type CreatedApiKey } from "../types";
import { assertCanManageRole } from "../members/guards";
import { toApiKey } from "./map";

/** A new key acting with at most the creator's role. The full key is returned once and never stored. */
export async function createApiKey(ctx: TenantContext, raw: CreateApiKeyInput, now = new Date()): Promise<CreatedApiKey> {
  const input = CreateApiKeyInput.parse(raw);
  requireRole(ctx, "admin", "Creating an API key");
  assertCanManageRole(ctx, input.role);
  const generated = generateApiKey();
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
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
