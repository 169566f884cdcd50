// /api/v1 routes: webhook endpoints (docs/webhooks.md). Every announcement the admins are emailed is
// also POSTed, signed, to each active endpoint. Adding one applies at once (and is announced);
// removing one silences a channel an intruder would want silent, so it is a guarded request (202).
import {
  createWebhook,
  CreatedWebhook,
  CreateWebhookInput,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  sendTestWebhook,
  WebhookDeliveryView,
  WebhookEndpointView,
} from "@holdfast/services";
import { z } from "zod";
import { defineRoute, type Route } from "../route";
import { IdParams } from "../schemas";
import { REQUESTED_202, Requested } from "./guard";

export const WEBHOOKS_TAG = "Webhooks";

// A query string carries text, so the limit is coerced here; the verb checks it again.
const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1, "must be at least 1").max(200, "must be at most 200").default(50).describe("How many deliveries, newest first (1–200, default 50)"),
});

const SIGNED =
  "Each event is POSTed as JSON, signed with the endpoint's secret in the `Holdfast-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">`), and retried with back-off until the endpoint answers 2xx; see docs/webhooks.md.";

export const webhookRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/webhooks",
    operationId: "listWebhooks",
    summary: "List webhook endpoints",
    description:
      "The organisation's webhook endpoints, newest first, removed (disabled) ones included, each with its latest delivery and any open request to remove it. Never their secrets. Requires the admin role (guardians may read them too).",
    tag: WEBHOOKS_TAG,
    response: { status: 200, description: "The endpoints", schema: z.object({ items: z.array(WebhookEndpointView) }) },
    errors: [403],
    handle: async (ctx) => ({ items: await listWebhooks(ctx) }),
  }),
  defineRoute({
    method: "POST",
    path: "/webhooks",
    operationId: "createWebhook",
    summary: "Add a webhook endpoint",
    description: `Registers an HTTPS URL to receive every announcement from now on. ${SIGNED} The signing secret (\`whsec_…\`) is in this response once and cannot be retrieved again. Adding an endpoint is audited and announced to every owner, admin and guardian. Requires the admin role.`,
    tag: WEBHOOKS_TAG,
    body: CreateWebhookInput,
    response: { status: 201, description: "The new endpoint, with its signing secret", schema: CreatedWebhook },
    errors: [400, 403],
    handle: (ctx, { body }, env) => createWebhook(ctx, body, { publicUrl: env.publicUrl }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/webhooks/{id}",
    operationId: "removeWebhook",
    summary: "Remove a webhook endpoint",
    description:
      "Removing an endpoint stops announcements reaching it, so it is not done at once: it becomes a guarded request (202), which disables the endpoint once a second person approves it in the console and the cooling-off delay has passed; until then it keeps receiving events (the removal request among them). 409 when the endpoint is already removed or a removal is already waiting; 503 when the job runner cannot take the request (nothing changes). Requires the admin role.",
    tag: WEBHOOKS_TAG,
    params: IdParams,
    response: { status: 202, description: REQUESTED_202, schema: Requested },
    errors: [400, 403, 404, 409, 503],
    handle: async (ctx, { params }, env) => ({ outcome: "requested" as const, request: await removeWebhook(ctx, params.id, { guard: env.jobs }) }),
  }),
  defineRoute({
    method: "GET",
    path: "/webhooks/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "List an endpoint's deliveries",
    description: "What was sent to the endpoint, newest first: each event's type, status (`pending`, `delivered`, `failed`), attempts, the last HTTP status or error, and when it is tried next. Requires the admin role.",
    tag: WEBHOOKS_TAG,
    params: IdParams,
    query: DeliveriesQuery,
    response: { status: 200, description: "The deliveries", schema: z.object({ items: z.array(WebhookDeliveryView) }) },
    errors: [400, 403, 404],
    handle: async (ctx, { params, query }) => ({ items: await listWebhookDeliveries(ctx, params.id, { limit: query.limit }) }),
  }),
  defineRoute({
    method: "POST",
    path: "/webhooks/{id}/test",
    operationId: "sendTestWebhook",
    summary: "Send a test event",
    description:
      "Queues a `webhook.test` event to this endpoint only (202: the worker sends it on its next delivery run); follow it in the endpoint's deliveries. Audited. 409 when the endpoint is removed. Requires the admin role.",
    tag: WEBHOOKS_TAG,
    params: IdParams,
    response: { status: 202, description: "The queued delivery", schema: WebhookDeliveryView },
    errors: [400, 403, 404, 409],
    handle: (ctx, { params }) => sendTestWebhook(ctx, params.id),
  }),
];
