// Row-level security helpers shared by every tenant-owned table. The application connects as
// `holdfast_app`, which cannot bypass RLS; `withTenant` sets `app.tenant_id` for its transaction.
import { sql, type SQL } from "drizzle-orm";
import { pgPolicy, pgRole } from "drizzle-orm/pg-core";

export const appRole = pgRole("holdfast_app").existing();

export const currentTenant = sql`app_tenant_id()`;
export const currentUser = sql`app_user_id()`;

/** The standard policy: a row is visible and writable only inside its own tenant's transaction. */
export function tenantPolicy(name: string, column: SQL = sql`tenant_id`) {
  return pgPolicy(`${name}_tenant_isolation`, {
    as: "permissive",
    to: appRole,
    for: "all",
    using: sql`${column} = ${currentTenant}`,
    withCheck: sql`${column} = ${currentTenant}`,
  });
}
