// Adding a webhook endpoint. Its signing secret is shown once and stored only sealed with the KEK.
// Adding is audited and announced to every owner, admin and guardian (by email and to the other
// endpoints): an intruder pointing the announcements at their own server must not go unnoticed.
import { randomUUID } from "node:crypto";
import { seal } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { webhookEndpoints, withTenant } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { validation } from "../errors";
import { announceToAdmins, type AnnounceOptions } from "../notify/announce";
import { webhooksConfig } from "./config";
import { webhookSecretPurpose } from "./guards";
import { toEndpointView } from "./map";
import { newWebhookSecret, webhookSecretPrefix } from "./signature";
import { CreateWebhookInput, type CreatedWebhook } from "./types";

/** The endpoint's URL, checked beyond "is a URL": scheme and no credentials (they would sit in our database and logs). */
export function checkWebhookUrl(raw: string, opts: { allowHttp: boolean }): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validation("url must be a URL such as https://example.com/holdfast", { field: "url" });
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && opts.allowHttp)) {
    throw validation(`url must use https:// (it uses ${url.protocol.replace(/:$/, "")}://)`, { field: "url" });
  }
  if (url.username || url.password) {
    throw validation("url must not contain a user name or password; the receiver checks the Holdfast-Signature header instead", { field: "url" });
  }
  if (!url.hostname) throw validation("url must name a host", { field: "url" });
  if (url.hash) throw validation("url must not contain a #fragment (it is never sent)", { field: "url" });
  return url.toString();
}

export async function createWebhook(ctx: TenantContext, raw: CreateWebhookInput, notify: AnnounceOptions = {}): Promise<CreatedWebhook> {
  const parsed = CreateWebhookInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "input";
    throw validation(`${field} ${issue?.message ?? "is invalid"}`, { field });
  }
  requireRole(ctx, "admin", "Adding a webhook endpoint");
  const url = checkWebhookUrl(parsed.data.url, { allowHttp: webhooksConfig().allowHttp });
  const id = randomUUID();
  const secret = newWebhookSecret();
  const created = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id,
        tenantId: ctx.tenantId,
        url,
        description: parsed.data.description ?? "",
        secretEnc: seal(kekConfig().kek, secret, webhookSecretPurpose(id)),
        secretPrefix: webhookSecretPrefix(secret),
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!row) throw new Error("webhook endpoint insert returned no row");
    await audit(tx, ctx, "webhook.created", { type: "webhook_endpoint", id }, { url, description: row.description, secretPrefix: row.secretPrefix });
    return row;
  });
  await announceToAdmins(
    ctx.db,
    ctx.tenantId,
    {
      about: "webhook.created",
      actor: ctx.actor,
      subject: "a webhook endpoint was added",
      text: [
        `A webhook endpoint was added: ${url}`,
        ...(created.description ? [`Description: ${created.description}`] : []),
        "From now on every announcement like this one is also POSTed there.",
        "Removing an endpoint needs a second person's approval.",
      ].join("\n"),
    },
    { ...notify, ...(ctx.requestId && !notify.requestId ? { requestId: ctx.requestId } : {}) },
  );
  return { endpoint: toEndpointView(created), secret };
}
