import { open } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { withTenant } from "@holdfast/db";
import type { TenantContext } from "../context";
import { forbidden, preconditionFailed } from "../errors";
import { findSource, refuseIfRemoved } from "./guards";
import { sourceCredentialsPurpose } from "./register";

/** Only the worker (system actor) unseals credentials, inside an activity; no user-facing path returns them. */
export async function loadSourceCredentials(ctx: TenantContext, sourceId: string): Promise<Record<string, unknown>> {
  if (ctx.actor.type !== "system") throw forbidden("Source credentials are readable by the backup worker only");
  const source = await withTenant(ctx.db, ctx.tenantId, (tx) => findSource(tx, ctx.tenantId, sourceId));
  refuseIfRemoved(source, "its credentials were deleted");
  if (!source.credentialsEnc) throw preconditionFailed(`Source ${sourceId} has no stored credentials; reconnect it`);
  return JSON.parse(open(kekConfig().kek, source.credentialsEnc, sourceCredentialsPurpose(source.id))) as Record<string, unknown>;
}

/** The source's provider and unsealed credentials, for building its connector (worker only). */
export async function loadSourceConnection(ctx: TenantContext, sourceId: string): Promise<{ provider: string; credentials: Record<string, unknown> }> {
  if (ctx.actor.type !== "system") throw forbidden("Source credentials are readable by the backup worker only");
  const source = await withTenant(ctx.db, ctx.tenantId, (tx) => findSource(tx, ctx.tenantId, sourceId));
  refuseIfRemoved(source, "its credentials were deleted");
  if (!source.credentialsEnc) throw preconditionFailed(`Source ${sourceId} has no stored credentials; reconnect it`);
  return { provider: source.provider, credentials: JSON.parse(open(kekConfig().kek, source.credentialsEnc, sourceCredentialsPurpose(source.id))) as Record<string, unknown> };
}
