import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { units } from "./units";

export const ITEM_KINDS = ["message", "file", "folder", "event", "contact", "record", "object"] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** An item as the provider identifies it (stable across renames and moves); its history is in item_versions. */
export const items = pgTable(
  "items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").notNull().references(() => units.id, { onDelete: "restrict" }),
    externalId: text("external_id").notNull(),
    kind: text("kind", { enum: ITEM_KINDS }).notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // Set when a run sees the item deleted at the source; cleared if it comes back.
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedSeq: integer("deleted_seq"),
    /**
     * Erased from backups by an approved guarded request (`items.erase`, e.g. a GDPR erasure):
     * hidden from browse, search, restore and export, its versions' names and metadata scrubbed.
     * Set only by the guard.
     */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    erasedByRequestId: uuid("erased_by_request_id"),
  },
  (t) => [uniqueIndex("items_unit_external_key").on(t.unitId, t.externalId), index("items_tenant_id_idx").on(t.tenantId), tenantPolicy("items")],
).enableRLS();

export type Item = typeof items.$inferSelect;
