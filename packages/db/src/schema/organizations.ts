import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, index, integer, pgEnum, pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { appRole, currentTenant, currentUser } from "./_rls";

export const organizationKind = pgEnum("organization_kind", ["customer", "partner"]);

/** The tenant. A partner (MSP) organisation may own child organisations through parent_id. */
export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    kind: organizationKind("kind").notNull().default("customer"),
    parentId: uuid("parent_id").references((): AnyPgColumn => organizations.id, { onDelete: "restrict" }),
    /** End users of a protected directory may sign in with it and restore their own data (ADR 0016). */
    selfServiceEnabled: boolean("self_service_enabled").notNull().default(true),
    /**
     * The cooling-off delay of guarded requests, in seconds (default 72 hours). The application role
     * may only lengthen it; shortening is itself a guarded request, and the database never lets it
     * fall under the platform minimum (docs/adr/0020-guarded-requests.md).
     */
    guardDelaySeconds: integer("guard_delay_seconds").notNull().default(259_200),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Closed by an approved guarded request (`organization.close`): every source removed, API keys
     * revoked, nothing new connected or invited; its backups stay readable and exportable until
     * their retention dates. Set only by the guard.
     */
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    index("organizations_parent_id_idx").on(t.parentId),
    // Visible inside its own tenant; a partner also sees (and creates) its child organisations.
    pgPolicy("organizations_tenant_isolation", {
      to: appRole,
      for: "all",
      using: sql`${t.id} = ${currentTenant} OR ${t.parentId} = ${currentTenant}`,
      withCheck: sql`${t.id} = ${currentTenant} OR ${t.parentId} = ${currentTenant}`,
    }),
    // A signed-in user may read the organisations they belong to (the organisation switcher).
    pgPolicy("organizations_member_read", {
      to: appRole,
      for: "select",
      using: sql`exists (select 1 from memberships m where m.tenant_id = ${t.id} and m.user_id = ${currentUser})`,
    }),
  ],
).enableRLS();

export type Organization = typeof organizations.$inferSelect;
