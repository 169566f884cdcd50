import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { users } from "./users";

export const SOURCE_PROVIDERS = ["google", "microsoft", "salesforce", "aws"] as const;
export const sourceProvider = pgEnum("source_provider", SOURCE_PROVIDERS);
export type SourceProvider = (typeof SOURCE_PROVIDERS)[number];

/**
 * `pending_consent`: created, waiting for the provider's consent redirect; nothing is backed up yet.
 * `removed`: removed through an approved guarded request (`source.remove`): no more backups, its
 * credentials are gone, and its backups stay restorable until their retention dates pass.
 */
export const SOURCE_STATUSES = ["pending_consent", "connected", "revoked", "disconnected", "error", "removed"] as const;
export const sourceStatus = pgEnum("source_status", SOURCE_STATUSES);
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

/**
 * A connected customer account (a Workspace domain, an M365 tenant, a Salesforce org, an AWS
 * account). Credentials are stored only as a secret-box value (`v1.<iv>.<ciphertext+tag>`, sealed
 * with the KEK outside the database); the CHECK refuses anything else, so SQL never holds plaintext.
 */
export const sources = pgTable(
  "sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    provider: sourceProvider("provider").notNull(),
    displayName: text("display_name").notNull(),
    status: sourceStatus("status").notNull().default("connected"),
    credentialsEnc: text("credentials_enc"),
    scheduleTimesPerDay: integer("schedule_times_per_day").notNull().default(3),
    scheduleJitterMinutes: integer("schedule_jitter_minutes").notNull().default(30),
    scheduleTimezone: text("schedule_timezone").notNull().default("UTC"),
    schedulePaused: boolean("schedule_paused").notNull().default(false),
    /** New units found by discovery start protected unless the admin turned this off. */
    autoProtectNewUnits: boolean("auto_protect_new_units").notNull().default(true),
    /** The provider's id for the connected account (Workspace domain, Entra directory id); set by consent. */
    externalAccountId: text("external_account_id"),
    /** SHA-256 of the single-use consent `state` nonce while consent is pending; cleared when used. */
    consentStateHash: text("consent_state_hash"),
    consentExpiresAt: timestamp("consent_expires_at", { withTimezone: true }),
    connectedAt: timestamp("connected_at", { withTimezone: true }),
    /** Set only by the guard (`holdfast_guard_apply`, kind `source.remove`), with status `removed`. */
    removedAt: timestamp("removed_at", { withTimezone: true }),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sources_tenant_id_idx").on(t.tenantId),
    check("sources_credentials_sealed", sql`${t.credentialsEnc} IS NULL OR ${t.credentialsEnc} ~ '^v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$'`),
    check("sources_schedule_times_per_day_range", sql`${t.scheduleTimesPerDay} BETWEEN 1 AND 24`),
    check("sources_schedule_jitter_range", sql`${t.scheduleJitterMinutes} BETWEEN 0 AND 720`),
    tenantPolicy("sources"),
  ],
).enableRLS();

export type Source = typeof sources.$inferSelect;
