import { sql } from "drizzle-orm";
import { type AnyPgColumn, index, pgEnum, pgPolicy, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { appRole, currentTenant } from "./_rls";

export const organizationKind = pgEnum("organization_kind", ["customer", "partner"]);

/** The tenant. A partner (MSP) organisation may own child organisations through parent_id. */
export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    kind: organizationKind("kind").notNull().default("customer"),
    parentId: uuid("parent_id").references((): AnyPgColumn => organizations.id, { onDelete: "restrict" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
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
  ],
).enableRLS();

export type Organization = typeof organizations.$inferSelect;
