import { sql } from "drizzle-orm";
import { check, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { ACTOR_TYPES } from "./audit-events";
import { organizations } from "./organizations";
import { users } from "./users";

/**
 * What a guarded request may do (docs/adr/0020-guarded-requests.md). Each is a weakening of
 * protection that the application role cannot perform itself: the database applies it, through
 * `holdfast_guard_apply`, only for an approved request whose cooling-off delay has passed.
 */
export const GUARDED_REQUEST_KINDS = [
  "retention.shorten",
  "legal_hold.release",
  "member.remove",
  "member.demote",
  "guardian.add",
  "guardian.remove",
  "unit.exclude",
  "guard_delay.shorten",
  "source.auto_protect_off",
  "source.remove",
  "webhook.remove",
  "items.erase",
  "organization.close",
  "vault.rotate_credentials",
] as const;
export type GuardedRequestKind = (typeof GUARDED_REQUEST_KINDS)[number];

export const GUARDED_REQUEST_STATUSES = ["pending", "approved", "cancelled", "executed", "failed", "expired"] as const;
export const guardedRequestStatus = pgEnum("guarded_request_status", GUARDED_REQUEST_STATUSES);
export type GuardedRequestStatus = (typeof GUARDED_REQUEST_STATUSES)[number];

/**
 * A destructive or weakening action waiting for a second person and a cooling-off delay. The
 * database assigns `requested_at`, `not_before` (now + the organisation's delay, never under the
 * platform minimum) and `expires_at` on insert; the application role may afterwards only cancel.
 * Approval and execution are recorded by the worker's guard role through definer functions.
 */
export const guardedRequests = pgTable(
  "guarded_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: GUARDED_REQUEST_KINDS }).notNull(),
    /** What exactly is to be done (ids, the new policy): read by `holdfast_guard_apply`. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    /** One sentence a person reads in the console and the announcement. */
    summary: text("summary").notNull(),
    /** Who asked: a member, or an API key (then the person who created it is the requester). */
    requestedByActorType: text("requested_by_actor_type", { enum: ACTOR_TYPES }).notNull(),
    requestedByActorId: text("requested_by_actor_id").notNull(),
    /** The person responsible; an approver must be someone else. */
    requestedByUserId: uuid("requested_by_user_id").references(() => users.id, { onDelete: "restrict" }),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    // The defaults only satisfy NOT NULL: the database's trigger assigns both on insert.
    notBefore: timestamp("not_before", { withTimezone: true }).notNull().defaultNow(),
    /** Unapproved after this, the request lapses. */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull().defaultNow(),
    status: guardedRequestStatus("status").notNull().default("pending"),
    approvedByUserId: uuid("approved_by_user_id").references(() => users.id, { onDelete: "restrict" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    cancelledByActorType: text("cancelled_by_actor_type", { enum: ACTOR_TYPES }),
    cancelledByActorId: text("cancelled_by_actor_id"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    cancelReason: text("cancel_reason"),
    executedAt: timestamp("executed_at", { withTimezone: true }),
    /** Why it could not be carried out (e.g. the member had already left). */
    failure: text("failure"),
    /** The Temporal workflow that waits out the delay. */
    workflowId: text("workflow_id").notNull(),
  },
  (t) => [
    index("guarded_requests_tenant_status_idx").on(t.tenantId, t.status, t.requestedAt),
    check("guarded_requests_kind_known", sql`${t.kind} in (${sql.raw(GUARDED_REQUEST_KINDS.map((k) => `'${k}'`).join(", "))})`),
    tenantPolicy("guarded_requests"),
  ],
).enableRLS();

export type GuardedRequestRow = typeof guardedRequests.$inferSelect;
