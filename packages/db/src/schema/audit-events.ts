import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

export const ACTOR_TYPES = ["user", "api_key", "system", "operator"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Append-only, hash-chained audit log. `seq`, `prev_hash`, `hash` and `occurred_at` are set by
 * the BEFORE INSERT trigger `audit_events_chain` (see the 0002 migration and docs/audit-chain.md);
 * the application role may only INSERT and SELECT.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    // Assigned by the trigger; a value supplied by the application is rejected.
    seq: bigint("seq", { mode: "number" }).notNull().default(sql`NULL`),
    occurredAt: timestamp("occurred_at", { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id"),
    ip: text("ip"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull().default(sql`NULL`),
    hash: text("hash").notNull().default(sql`NULL`),
  },
  (t) => [
    uniqueIndex("audit_events_tenant_seq_key").on(t.tenantId, t.seq),
    index("audit_events_tenant_time_idx").on(t.tenantId, t.occurredAt),
    tenantPolicy("audit_events"),
  ],
).enableRLS();

export type AuditEvent = typeof auditEvents.$inferSelect;
