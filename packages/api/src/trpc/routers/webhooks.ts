// Webhook endpoints for the console (docs/webhooks.md): list, add (the secret answered once),
// ask to remove (a guarded request, since it silences a channel), deliveries, and a test event.
// The verbs do every role check and audit row; the job runner is the guard's port.
import {
  createWebhook,
  CreatedWebhook,
  CreateWebhookInput,
  GuardedRequestView,
  listWebhookDeliveries,
  ListWebhookDeliveriesInput,
  listWebhooks,
  removeWebhook,
  sendTestWebhook,
  WebhookDeliveryView,
  WebhookEndpointView,
} from "@holdfast/services";
import { z } from "zod";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";
import { notifyOf } from "./retention";

// tRPC merges these with `{ orgId }`, so they cannot be the services' strict schemas; the verbs
// parse their input again with those.
const CreateInput = z.object(CreateWebhookInput.shape);
const DeliveriesInput = ById.extend(ListWebhookDeliveriesInput.shape);

export const webhooksRouter = router({
  list: tenantProcedure.output(z.array(WebhookEndpointView)).query(({ ctx }) => listWebhooks(ctx.tenant)),

  /** The signing secret is in this response only. */
  create: tenantProcedure
    .input(CreateInput)
    .output(CreatedWebhook)
    .mutation(({ ctx, input }) => createWebhook(ctx.tenant, { url: input.url, ...(input.description !== undefined ? { description: input.description } : {}) }, notifyOf(ctx))),

  /** A removal is a guarded request: this asks for it and answers with the request. */
  remove: tenantProcedure
    .input(ById)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => removeWebhook(ctx.tenant, input.id, { guard: ctx.jobs })),

  deliveries: tenantProcedure
    .input(DeliveriesInput)
    .output(z.array(WebhookDeliveryView))
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.tenant, input.id, { limit: input.limit })),

  test: tenantProcedure
    .input(ById)
    .output(WebhookDeliveryView)
    .mutation(({ ctx, input }) => sendTestWebhook(ctx.tenant, input.id)),
});
