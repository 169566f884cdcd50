import { apiKeys, desc, eq, withTenant } from "@holdfast/db";
import { requireRole, type TenantContext } from "../context";
import type { ApiKey } from "../types";
import { toApiKey } from "./map";

export async function listApiKeys(ctx: TenantContext): Promise<ApiKey[]> {
  requireRole(ctx, "admin", "Listing API keys");
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) => tx.select().from(apiKeys).where(eq(apiKeys.tenantId, ctx.tenantId)).orderBy(desc(apiKeys.createdAt)));
  return rows.map(toApiKey);
}
