import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

/**
 * `Idempotency-Key` on POST /api/v1: the first response to a (tenant, caller, key) is kept for
 * 24 hours and replayed for a retry with the same request; the same key with a different request
 * is refused. The request is stored only as a hash.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    /** `api_key:<id>` or `user:<id>`: one caller's keys never collide with another's. */
    principal: text("principal").notNull(),
    key: text("key").notNull(),
    /** SHA-256 over method, path and body. */
    requestHash: text("request_hash").notNull(),
    /** Null while the first request is still being handled. */
    status: integer("status"),
    body: jsonb("body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.principal, t.key] }), tenantPolicy("idempotency_keys")],
).enableRLS();

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
