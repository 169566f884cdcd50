import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgPolicy, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { appRole, currentUser, tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { users } from "./users";

export const ROLES = ["owner", "admin", "operator", "viewer"] as const;
export const memberRole = pgEnum("member_role", ROLES);
export type MemberRole = (typeof ROLES)[number];

export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: memberRole("role").notNull(),
    /** A guardian may approve or cancel guarded requests whatever their role (docs/adr/0020-guarded-requests.md). */
    guardian: boolean("guardian").notNull().default(false),
    /**
     * Since when this member may approve guarded requests (an owner, an admin or a guardian), set by
     * the database; null when they may not. Only someone who could approve before a request was
     * made may approve it, so a freshly promoted accomplice cannot.
     */
    approverSince: timestamp("approver_since", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("memberships_tenant_user_key").on(t.tenantId, t.userId),
    index("memberships_tenant_id_idx").on(t.tenantId),
    index("memberships_user_id_idx").on(t.userId),
    tenantPolicy("memberships"),
    // A signed-in user may list their own memberships across tenants (the organisation switcher).
    pgPolicy("memberships_own_rows", { to: appRole, for: "select", using: sql`${t.userId} = ${currentUser}` }),
  ],
).enableRLS();

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: memberRole("role").notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedByUserId: uuid("invited_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    index("invitations_tenant_id_idx").on(t.tenantId),
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    tenantPolicy("invitations"),
  ],
).enableRLS();

export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
