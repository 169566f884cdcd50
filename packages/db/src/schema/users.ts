import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * People who sign in. Users are global (one person can belong to several organisations), so this
 * table is not tenant-owned; what a user may see of a tenant is decided by memberships.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name"),
    emailVerified: timestamp("email_verified", { withTimezone: true }),
    image: text("image"),
    passwordHash: text("password_hash"),
    // TOTP secret, encrypted with the key-encryption key (never stored in the clear).
    totpSecretEnc: text("totp_secret_enc"),
    totpEnabled: boolean("totp_enabled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

/** Sign-in attempts, for rate limiting by account and by client address. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    succeeded: boolean("succeeded").notNull(),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_attempts_key_time_idx").on(t.key, t.attemptedAt)],
);

/**
 * A person's identity at a directory Holdfast protects (Sign in with Google / Microsoft). Matched on
 * the directory's stable ids, never on email: `directoryId` is the Workspace domain (`hd`) or the
 * Entra tenant id (`tid`), `subject` the directory user id (Google `sub`, Entra `oid`), which is
 * what discovery records as a unit's `owner_external_id`. Global like users (not tenant-owned).
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["google", "microsoft"] }).notNull(),
    directoryId: text("directory_id").notNull(),
    subject: text("subject").notNull(),
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("user_identities_provider_directory_subject_key").on(t.provider, t.directoryId, t.subject), index("user_identities_user_id_idx").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type UserIdentity = typeof userIdentities.$inferSelect;
