import { sql, type SQL } from "drizzle-orm";
import { type AnyPgColumn, bigint, check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { items, ITEM_KINDS } from "./items";
import { organizations } from "./organizations";
import { units } from "./units";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** Browse order key: folders (0) before everything else (1). Queries must use this exact expression to hit the index. */
export function browseRank(kind: SQL.Aliased | SQL | AnyPgColumn): SQL {
  return sql`(CASE WHEN ${kind} = 'folder' THEN 0 ELSE 1 END)`;
}

export const VERSION_END_REASONS = ["changed", "deleted"] as const;
export type VersionEndReason = (typeof VERSION_END_REASONS)[number];

/**
 * One version of an item and the range in which it was current: from `captured_at` / `first_seq`
 * until `superseded_at` / `last_seq` (NULL while current). An unchanged item costs no row per run;
 * a change or a deletion closes the range (docs/adr/0008-catalogue-ranges.md).
 *
 * `search_tsv` is generated from the path (which ends with the name), subject and sender, with
 * punctuation folded to spaces so `alice@example.com` and `Q3-report.xlsx` are searchable by part.
 */
export const itemVersions = pgTable(
  "item_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    itemId: uuid("item_id").notNull().references(() => items.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").notNull().references(() => units.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: ITEM_KINDS }).notNull(),
    // The provider's version marker (historyId, headRevisionId, changeKey).
    version: text("version").notNull(),
    path: text("path").notNull(),
    name: text("name").notNull(),
    parentPath: text("parent_path").notNull(),
    size: bigint("size", { mode: "number" }),
    contentSha256: text("content_sha256"),
    vaultSnapshotId: text("vault_snapshot_id"),
    vaultPath: text("vault_path"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    modifiedAt: timestamp("modified_at", { withTimezone: true }),
    capturedAt: timestamp("captured_at", { withTimezone: true }).notNull().defaultNow(),
    firstSeq: integer("first_seq").notNull(),
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
    /** Set (only by the guard) when the item is erased: every reader skips the version. */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    /**
     * Set by the retention sweep when every snapshot that held the version has expired (none committed
     * or open still does): no restore point shows it any more, so readers skip it (migration 0037).
     */
    expiredAt: timestamp("expired_at", { withTimezone: true }),
    lastSeq: integer("last_seq"),
    endReason: text("end_reason", { enum: VERSION_END_REASONS }),
    // The bare address of the sender / organiser / owner (`Alice <alice@x.com>` → `alice@x.com`).
    sender: text("sender").generatedAlwaysAs(
      (): SQL =>
        sql`lower(coalesce(substring(coalesce(${itemVersions.metadata} ->> 'from', ${itemVersions.metadata} ->> 'organizer', ${itemVersions.metadata} ->> 'owner') from '<([^<>]+)>'), ${itemVersions.metadata} ->> 'from', ${itemVersions.metadata} ->> 'organizer', ${itemVersions.metadata} ->> 'owner'))`,
    ),
    searchTsv: tsvector("search_tsv")
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`to_tsvector('simple'::regconfig, regexp_replace(${itemVersions.path} || ' ' || coalesce(${itemVersions.metadata} ->> 'subject', '') || ' ' || coalesce(${itemVersions.metadata} ->> 'from', '') || ' ' || coalesce(${itemVersions.metadata} ->> 'owner', '') || ' ' || coalesce(${itemVersions.metadata} ->> 'organizer', ''), '[^[:alnum:]]+', ' ', 'g'))`,
      ),
  },
  (t) => [
    // At most one open range per item: the invariant every write relies on.
    uniqueIndex("item_versions_item_open_key").on(t.itemId).where(sql`${t.supersededAt} IS NULL`),
    index("item_versions_item_captured_idx").on(t.itemId, t.capturedAt),
    // Browse: children of one folder of one unit, folders first, then name order (browseRank).
    index("item_versions_browse_idx").on(t.unitId, t.parentPath, browseRank(t.kind), t.name, t.id),
    // Search results newest first; also the tenant_id index.
    index("item_versions_tenant_captured_idx").on(t.tenantId, t.capturedAt, t.id),
    index("item_versions_search_idx").using("gin", t.searchTsv),
    // Search narrowed by sender (exact address or prefix), by item date, or to deleted items;
    // each keeps its own order so a page stops early (see holdfast_catalogue_search).
    index("item_versions_tenant_sender_idx").on(t.tenantId, t.sender.op("text_pattern_ops"), t.capturedAt, t.id),
    index("item_versions_tenant_modified_idx").on(t.tenantId, t.modifiedAt, t.id),
    index("item_versions_unit_captured_idx").on(t.unitId, t.capturedAt, t.id),
    index("item_versions_deleted_captured_idx").on(t.tenantId, t.capturedAt, t.id).where(sql`${t.endReason} = 'deleted'`),
    check("item_versions_range_closed_together", sql`(${t.supersededAt} IS NULL) = (${t.lastSeq} IS NULL) AND (${t.supersededAt} IS NULL) = (${t.endReason} IS NULL)`),
    check("item_versions_sha256_hex", sql`${t.contentSha256} IS NULL OR ${t.contentSha256} ~ '^[0-9a-f]{64}$'`),
    tenantPolicy("item_versions"),
  ],
).enableRLS();

export type ItemVersion = typeof itemVersions.$inferSelect;
