// The webhook sender's boundary (issue 7: announcements by email "plus webhook"). Ids and counts
// only: payloads and secrets stay in the database and never enter workflow history.
import { z } from "zod";

export const WebhookDeliveriesInput = z.object({ concurrency: z.number().int().min(1).max(16).optional() }).strict();
export type WebhookDeliveriesInput = z.infer<typeof WebhookDeliveriesInput>;

/** One tenant's run of the sender (mirrors @holdfast/services' WebhookSendReport). */
export interface TenantWebhookResult {
  tenantId: string;
  delivered: number;
  /** Failed this time; tried again after the back-off. */
  retried: number;
  /** Given up after the last attempt (each audited `webhook.delivery_failed`). */
  failed: number;
}

export interface WebhookDeliveriesResult {
  tenants: number;
  delivered: number;
  retried: number;
  failed: number;
  /** Tenants whose run failed after its retries (named, up to 20); the next minute tries again. */
  errors: { tenantId: string; reason: string }[];
}

export const WEBHOOK_DELIVERIES_SCHEDULE_ID = "webhook-deliveries-schedule";
export const webhookDeliveriesWorkflowId = (suffix: string) => `webhook-deliveries:${suffix}`;
