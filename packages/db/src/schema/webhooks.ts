import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { users } from "./users";

/**
 * Where an organisation's announcements are also POSTed (issue 7: "email … plus webhook"), signed
 * with the endpoint's secret (sealed with the KEK, shown once). The application role may add an
 * endpoint (announced) but not change or remove one: removal is a guarded request
 * (`webhook.remove`), which the guard carries out by setting `disabled_at`.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** The signing secret, sealed with the KEK (`v1.<iv>.<ciphertext+tag>`). */
    secretEnc: text("secret_enc").notNull(),
    /** The first characters of the secret, to tell endpoints apart (`whsec_ab12…`). */
    secretPrefix: text("secret_prefix").notNull(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set only by the guard, when a `webhook.remove` request runs. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_endpoints_tenant_idx").on(t.tenantId),
    check("webhook_endpoints_secret_sealed", sql`${t.secretEnc} ~ '^v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$'`),
    check("webhook_endpoints_url_http", sql`${t.url} ~ '^https?://'`),
    tenantPolicy("webhook_endpoints"),
  ],
).enableRLS();

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event for one endpoint: queued when the announcement is made (in the web or the worker),
 * POSTed by the worker with retries and back-off until delivered (2xx) or failed for good.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    endpointId: uuid("endpoint_id").notNull().references(() => webhookEndpoints.id, { onDelete: "restrict" }),
    /** The event's id, the same for every endpoint it goes to (receivers dedupe on it). */
    eventId: uuid("event_id").notNull(),
    /** The event type, e.g. `guarded_request.requested` (the announcement's audit action). */
    eventType: text("event_type").notNull(),
    /** The JSON body sent, exactly (never a secret). */
    payload: jsonb("payload").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.tenantId, t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    check("webhook_deliveries_status_known", sql`${t.status} in ('pending', 'delivered', 'failed')`),
    tenantPolicy("webhook_deliveries"),
  ],
).enableRLS();

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
