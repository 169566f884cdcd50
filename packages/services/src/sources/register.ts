import { randomUUID } from "node:crypto";
import { seal } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { sources, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { toSource } from "./map";
import { RegisterSourceInput, type Source } from "./types";

/** Bound as associated data, so a sealed value cannot be moved to another source's row. */
export const sourceCredentialsPurpose = (sourceId: string) => `source-credentials:${sourceId}`;

/** Connect a source. Credentials are sealed with the KEK here; the database only ever sees ciphertext. */
export async function registerSource(ctx: TenantContext, raw: RegisterSourceInput): Promise<Source> {
  const input = RegisterSourceInput.parse(raw);
  requireRole(ctx, "admin", "Connecting a source");
  const id = randomUUID();
  const credentialsEnc = seal(kekConfig().kek, JSON.stringify(input.credentials), sourceCredentialsPurpose(id));
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(sources)
      .values({
        id,
        tenantId: ctx.tenantId,
        provider: input.provider,
        displayName: input.displayName,
        status: "connected",
        credentialsEnc,
        scheduleTimesPerDay: input.schedule.timesPerDay,
        scheduleJitterMinutes: input.schedule.jitterMinutes,
        scheduleTimezone: input.schedule.timezone,
        schedulePaused: input.schedule.paused,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!row) throw new Error("source insert returned no row");
    await audit(tx, ctx, "source.connected", { type: "source", id }, { provider: row.provider, displayName: row.displayName });
    return toSource(row);
  });
}
