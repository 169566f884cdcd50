// Webhooks (issue 7: every announcement goes to the admins and guardians by email "plus webhook").
// An organisation's owners and admins register HTTPS endpoints; every announcement (the same events
// the emails tell of: guarded requests and their steps, retention and hold changes, alerts, drills,
// new approvers, webhooks added) is queued for each active endpoint and POSTed by the worker, signed
// with the endpoint's secret, retried with back-off. Adding an endpoint is announced; removing one is
// a guarded request (`webhook.remove`), since it silences a channel an intruder would want silent.
import { z } from "zod";

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = "Holdfast-Signature";
/** Header carrying the event id (the same for every endpoint and every retry). */
export const WEBHOOK_EVENT_ID_HEADER = "Holdfast-Event-Id";
/** A signature older than this is refused by `verifyWebhookSignature` (replay window). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** Attempts before a delivery is given up (back-off 30 s doubling, capped at 1 h: about a day in all, so a receiver down overnight still gets it). */
export const WEBHOOK_MAX_ATTEMPTS = 30;

export const CreateWebhookInput = z
  .object({
    url: z.string().trim().url("must be a URL such as https://example.com/holdfast").max(2000, "must be at most 2000 characters"),
    description: z.string().trim().max(200, "must be at most 200 characters").optional(),
  })
  .strict();
export type CreateWebhookInput = z.input<typeof CreateWebhookInput>;

export const WebhookDeliveryStatus = z.enum(["pending", "delivered", "failed"]);

export const WebhookDeliveryView = z.object({
  id: z.string().uuid(),
  eventId: z.string().uuid(),
  eventType: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  createdAt: z.string().datetime(),
  lastAttemptAt: z.string().datetime().nullable(),
  nextAttemptAt: z.string().datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().datetime().nullable(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const WebhookEndpointView = z.object({
  id: z.string().uuid(),
  url: z.string(),
  description: z.string(),
  /** e.g. "whsec_Ab12" — the secret itself is shown once, when the endpoint is added. */
  secretPrefix: z.string(),
  createdAt: z.string().datetime(),
  /** Set once a `webhook.remove` request ran; a disabled endpoint gets nothing more. */
  disabledAt: z.string().datetime().nullable(),
  /** The open `webhook.remove` request for it, if any. */
  removalRequestId: z.string().uuid().nullable(),
  lastDelivery: WebhookDeliveryView.nullable(),
});
export type WebhookEndpointView = z.infer<typeof WebhookEndpointView>;

/** What adding an endpoint answers: the signing secret, this once. */
export const CreatedWebhook = z.object({ endpoint: WebhookEndpointView, secret: z.string() });
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const ListWebhookDeliveriesInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict();
export type ListWebhookDeliveriesInput = z.input<typeof ListWebhookDeliveriesInput>;

/** The JSON body POSTed to an endpoint (also stored as the delivery's payload). Never a secret. */
export interface WebhookEvent {
  id: string;
  /** The announcement's audit action, e.g. `guarded_request.requested`, or `webhook.test`. */
  type: string;
  createdAt: string;
  organization: { id: string; name: string };
  actor: { type: string; id: string; name: string };
  subject: string;
  text: string;
}

/** What one run of the sender did for one tenant. */
export interface WebhookSendReport {
  delivered: number;
  /** Failed this time, to be tried again later. */
  retried: number;
  /** Given up after WEBHOOK_MAX_ATTEMPTS (each audited `webhook.delivery_failed`). */
  failed: number;
}
