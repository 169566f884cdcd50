import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { memberRole } from "./memberships";
import { organizations } from "./organizations";
import { users } from "./users";

/**
 * API keys: `hf_<prefix>_<secret>`. Only the prefix (for lookup and display) and a SHA-256 of
 * the secret are stored; the key itself is shown once. A key acts with one role in one tenant.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    role: memberRole("role").notNull(),
    scopes: text("scopes").array().notNull().default([]),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("api_keys_prefix_key").on(t.prefix),
    index("api_keys_tenant_id_idx").on(t.tenantId),
    tenantPolicy("api_keys"),
  ],
).enableRLS();

export type ApiKey = typeof apiKeys.$inferSelect;
