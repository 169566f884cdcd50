import { type AnyPgColumn, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { snapshots } from "./snapshots";
import { sources } from "./sources";

/** Open list: a new connector adds its kinds here (kept as text so adding one needs no migration). */
export const UNIT_KINDS = [
  "gmail",
  "drive",
  "shared-drive",
  "calendar",
  "contacts",
  "exchange",
  "onedrive",
  "sharepoint",
  "ms-calendar",
  "ms-contacts",
  "salesforce-org",
  "s3-bucket",
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_STATES = ["active", "suspended", "deleted", "gone"] as const;
export const unitState = pgEnum("unit_state", UNIT_STATES);
export type UnitState = (typeof UNIT_STATES)[number];

export const UNIT_PROTECTIONS = ["auto", "included", "excluded"] as const;
export const unitProtection = pgEnum("unit_protection", UNIT_PROTECTIONS);
export type UnitProtection = (typeof UNIT_PROTECTIONS)[number];

/**
 * What a backup enumerates on its own (a mailbox, a drive, a library, a calendar). Units are never
 * deleted: one discovery no longer lists becomes `gone`, and its backups stay browseable.
 */
export const units = pgTable(
  "units",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    sourceId: uuid("source_id").notNull().references(() => sources.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: UNIT_KINDS }).notNull(),
    externalId: text("external_id").notNull(),
    displayName: text("display_name").notNull(),
    ownerEmail: text("owner_email"),
    ownerExternalId: text("owner_external_id"),
    state: unitState("state").notNull().default("active"),
    protection: unitProtection("protection").notNull().default("auto"),
    discoveredAt: timestamp("discovered_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // The provider's change cursor (history id, delta link): opaque, never a secret.
    cursor: text("cursor"),
    // Provider facts a connector needs to reach the unit again (e.g. a library's drive id). No secrets.
    attributes: jsonb("attributes").$type<Record<string, string>>().notNull().default({}),
    lastSnapshotId: uuid("last_snapshot_id").references((): AnyPgColumn => snapshots.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("units_source_kind_external_key").on(t.sourceId, t.kind, t.externalId),
    index("units_tenant_id_idx").on(t.tenantId),
    // Self-service: a directory user's units (ADR 0016).
    index("units_source_owner_idx").on(t.sourceId, t.ownerExternalId),
    tenantPolicy("units"),
  ],
).enableRLS();

export type Unit = typeof units.$inferSelect;
