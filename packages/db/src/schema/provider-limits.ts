import { doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";

/**
 * Provider rate-limit state shared by every worker (connectors' LimiterStore): a token bucket and
 * a Retry-After fence per key (a Gmail user, a Graph mailbox, a SharePoint tenant). Keys name the
 * provider's own unit of accounting; no secrets.
 */
export const providerLimits = pgTable(
  "provider_limits",
  {
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    tokens: doublePrecision("tokens"),
    refilledAt: timestamp("refilled_at", { withTimezone: true, precision: 3 }),
    fenceUntil: timestamp("fence_until", { withTimezone: true, precision: 3 }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), tenantPolicy("provider_limits")],
).enableRLS();

/** Concurrency slots held now, each a lease that lapses if its worker dies without releasing it. */
export const providerSlots = pgTable(
  "provider_slots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index("provider_slots_key_idx").on(t.tenantId, t.key), tenantPolicy("provider_slots")],
).enableRLS();
