import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { sources } from "./sources";

/**
 * A "dead-man" alert about a source (issue 7): its backups are late past its recovery-point
 * objective or have stopped, or its consent was revoked / it can no longer be reached. Opened (and
 * emailed to every owner, admin and guardian) once when the condition appears, resolved (and
 * emailed) when it clears; at most one open alert per source and code.
 */
export const protectionAlerts = pgTable(
  "protection_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    sourceId: uuid("source_id").notNull().references(() => sources.id, { onDelete: "restrict" }),
    /** The dashboard's reason code (backups_late, backups_stopped, consent_revoked, disconnected). */
    code: text("code").notNull(),
    message: text("message").notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("protection_alerts_open_key").on(t.sourceId, t.code).where(sql`${t.resolvedAt} IS NULL`),
    index("protection_alerts_tenant_idx").on(t.tenantId, t.openedAt),
    tenantPolicy("protection_alerts"),
  ],
).enableRLS();

export type ProtectionAlert = typeof protectionAlerts.$inferSelect;
