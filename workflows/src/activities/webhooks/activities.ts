// The webhook sender's activities: the tenants with deliveries due, and one tenant's batch. A retry
// after a lost connection sends nothing twice in the same minute: claimed rows are leased, and an
// outcome is recorded only on a row still pending (receivers dedupe on the event id regardless).
import type { TenantWebhookResult } from "../../webhook-contracts";
import type { WebhookPorts } from "./ports";

export function createWebhookActivities(ports: WebhookPorts) {
  return {
    webhookTenantsDue(): Promise<string[]> {
      return ports.tenants();
    },
    async deliverTenantWebhooks(input: { tenantId: string }): Promise<TenantWebhookResult> {
      return { tenantId: input.tenantId, ...(await ports.deliver(input.tenantId)) };
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
