// The webhook sender's ports, wired to @holdfast/services' webhooks. Whether loopback/private
// receivers are allowed (the local stack and tests only: WEBHOOK_ALLOW_PRIVATE=1) is read once, at
// start-up, so a malformed value stops the worker with its name rather than failing every minute.
import type { Database } from "@holdfast/db";
import { deliverDueWebhooks, webhooksConfig, webhookTenantsDue, type DeliverOptions } from "@holdfast/services";
import type { WebhookPorts } from "@holdfast/workflows/activities";

export function createWebhookPorts(opts: { db: Database; deliver?: Omit<DeliverOptions, "now"> }): WebhookPorts {
  const deliver: DeliverOptions = { allowPrivate: webhooksConfig().allowPrivate, ...opts.deliver };
  return {
    tenants: () => webhookTenantsDue(opts.db),
    deliver: (tenantId) => deliverDueWebhooks(opts.db, tenantId, deliver),
  };
}
