import { sql } from "drizzle-orm";
import { check, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { units } from "./units";
import { users } from "./users";

export const RETENTION_SCOPES = ["organization", "source", "unit"] as const;
export const retentionScope = pgEnum("retention_scope", RETENTION_SCOPES);
export type RetentionScope = (typeof RETENTION_SCOPES)[number];

/**
 * A tenant's retention policy, overridable per source and per unit (docs/adr/0018-retention-policies.md).
 * The policy's shape is validated by the services (`RetentionPolicy`), not the database. The
 * organisation's row has no scope id; its uniqueness is a partial index, since NULLs never collide.
 */
export const retentionPolicies = pgTable(
  "retention_policies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    scope: retentionScope("scope").notNull(),
    // A source or unit id (no foreign key: one column points at either table).
    scopeId: uuid("scope_id"),
    policy: jsonb("policy").$type<Record<string, unknown>>().notNull(),
    updatedByUserId: uuid("updated_by_user_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("retention_policies_organization_key").on(t.tenantId).where(sql`${t.scope} = 'organization'`),
    uniqueIndex("retention_policies_scope_key").on(t.tenantId, t.scope, t.scopeId).where(sql`${t.scopeId} IS NOT NULL`),
    check("retention_policies_scope_id_iff_not_organization", sql`(${t.scope} = 'organization') = (${t.scopeId} IS NULL)`),
    tenantPolicy("retention_policies"),
  ],
).enableRLS();

export type RetentionPolicyRow = typeof retentionPolicies.$inferSelect;

/**
 * A legal hold on one unit, or (no unit) on the whole organisation: nothing it covers expires
 * while it is held. Released holds stay as history (`released_at`); rows are never deleted.
 */
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").references(() => units.id, { onDelete: "restrict" }),
    reason: text("reason").notNull(),
    placedByUserId: uuid("placed_by_user_id").references(() => users.id, { onDelete: "set null" }),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    /** The approved guarded request that released it (the only way a hold is released). */
    releasedByRequestId: uuid("released_by_request_id"),
  },
  (t) => [index("legal_holds_tenant_unit_idx").on(t.tenantId, t.unitId), tenantPolicy("legal_holds")],
).enableRLS();

export type LegalHold = typeof legalHolds.$inferSelect;
