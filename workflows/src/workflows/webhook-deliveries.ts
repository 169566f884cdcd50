// The webhook sender (a Temporal Schedule every minute, overlap SKIP): every tenant with a delivery
// due gets one bounded batch sent, a few tenants at a time. A delivery that fails is data (retried
// with back-off by the next runs); only an unexpected error fails a tenant's activity, which is
// retried, then named in the result without stopping the others.
import { ApplicationFailure, proxyActivities } from "@temporalio/workflow";
import type { WebhookActivities } from "../activities/webhooks/activities";
import { NON_RETRYABLE_ERROR_TYPES } from "../contracts";
import { WebhookDeliveriesInput, type WebhookDeliveriesResult } from "../webhook-contracts";
import { forEachTenant } from "./fan-out";

const { webhookTenantsDue, deliverTenantWebhooks } = proxyActivities<WebhookActivities>({
  // A batch is at most 50 deliveries, 5 at a time, each cut off after 10 s.
  startToCloseTimeout: "3 minutes",
  retry: { initialInterval: "5 seconds", maximumInterval: "30 seconds", maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

const ERRORS_LISTED = 20;

export async function webhookDeliveries(raw: WebhookDeliveriesInput = {}): Promise<WebhookDeliveriesResult> {
  const parsed = WebhookDeliveriesInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid webhookDeliveries input: ${parsed.error.message}`, "ValidationError");
  const queue = await webhookTenantsDue();
  const result: WebhookDeliveriesResult = { tenants: 0, delivered: 0, retried: 0, failed: 0, errors: [] };
  await forEachTenant(
    queue,
    { concurrency: parsed.data.concurrency ?? 4, failureLog: "a tenant's webhook deliveries failed; the next minute tries again" },
    async (tenantId) => {
      result.tenants += 1;
      const r = await deliverTenantWebhooks({ tenantId });
      result.delivered += r.delivered;
      result.retried += r.retried;
      result.failed += r.failed;
    },
    (tenantId, reason) => {
      if (result.errors.length < ERRORS_LISTED) result.errors.push({ tenantId, reason });
    },
  );
  return result;
}
