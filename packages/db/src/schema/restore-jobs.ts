import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { sources } from "./sources";
import { units } from "./units";
import { users } from "./users";

export const RESTORE_CONFLICTS = ["skip", "copy", "replace"] as const;
export const restoreConflict = pgEnum("restore_conflict", RESTORE_CONFLICTS);

export const RESTORE_STATUSES = ["queued", "running", "completed", "completed_with_errors", "failed", "cancelled"] as const;
export const restoreStatus = pgEnum("restore_status", RESTORE_STATUSES);
export type RestoreStatus = (typeof RESTORE_STATUSES)[number];

export const RESTORE_OUTCOMES = ["created", "replaced", "copied", "skipped", "failed", "exported"] as const;

/** A restore writes back through the connector; an export streams the same selection into a download. */
export const RESTORE_KINDS = ["restore", "export"] as const;
export const restoreKind = pgEnum("restore_kind", RESTORE_KINDS);
export type RestoreKind = (typeof RESTORE_KINDS)[number];

export const EXPORT_FORMATS = ["eml-zip", "mbox", "zip", "ics", "vcf", "original"] as const;
export const exportFormat = pgEnum("export_format", EXPORT_FORMATS);
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const restoreOutcome = pgEnum("restore_outcome", RESTORE_OUTCOMES);

/**
 * A restore of items, folders or a whole unit as of a point in time, into the unit they came from
 * or another unit of the same kind. The selection is resolved from the catalogue when it runs.
 */
export const restoreJobs = pgTable(
  "restore_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    sourceId: uuid("source_id").notNull().references(() => sources.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").notNull().references(() => units.id, { onDelete: "restrict" }),
    targetUnitId: uuid("target_unit_id").notNull().references(() => units.id, { onDelete: "restrict" }),
    /** `{ itemIds?: uuid[], paths?: string[] }`; neither = the whole unit. */
    selection: jsonb("selection").$type<{ itemIds?: string[]; paths?: string[] }>().notNull(),
    asOf: timestamp("as_of", { withTimezone: true }).notNull(),
    kind: restoreKind("kind").notNull().default("restore"),
    /** Exports only: the archive format. */
    format: exportFormat("format"),
    /** Exports only: where the finished archive is stored (the exports bucket's object key) and its size. */
    exportObjectKey: text("export_object_key"),
    exportBytes: bigint("export_bytes", { mode: "number" }),
    exportExpiresAt: timestamp("export_expires_at", { withTimezone: true }),
    conflict: restoreConflict("conflict").notNull().default("skip"),
    copyFolder: text("copy_folder").notNull(),
    status: restoreStatus("status").notNull().default("queued"),
    workflowId: text("workflow_id"),
    created: integer("created").notNull().default(0),
    replaced: integer("replaced").notNull().default(0),
    copied: integer("copied").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    summary: text("summary"),
    requestedByUserId: uuid("requested_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("restore_jobs_tenant_created_idx").on(t.tenantId, t.createdAt),
    check("restore_jobs_export_has_format", sql`${t.kind} <> 'export' OR ${t.format} IS NOT NULL`),
    tenantPolicy("restore_jobs"),
  ],
).enableRLS();

/** One item's outcome in a restore: what was written, or why not. */
export const restoreJobItems = pgTable(
  "restore_job_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    restoreId: uuid("restore_id").notNull().references(() => restoreJobs.id, { onDelete: "restrict" }),
    vaultSnapshotId: text("vault_snapshot_id").notNull(),
    vaultPath: text("vault_path").notNull(),
    /**
     * The catalogue item the outcome is about (rows written before migration 0039 have none). No
     * foreign key: the outcome is a report, and an erasure scrubs it by this id (ADR 0023) — a row
     * written after its item was erased is scrubbed as it is inserted (trigger of migration 0039).
     */
    itemId: uuid("item_id"),
    /** Set only by the database: the erasure that scrubbed this row's names (an insert's value is ignored). */
    erasedByRequestId: uuid("erased_by_request_id"),
    externalId: text("external_id"),
    path: text("path"),
    outcome: restoreOutcome("outcome").notNull(),
    newExternalId: text("new_external_id"),
    reason: text("reason"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("restore_job_items_ref_key").on(t.restoreId, t.vaultSnapshotId, t.vaultPath),
    // An erasure finds the outcomes of its items by id.
    index("restore_job_items_item_idx").on(t.tenantId, t.itemId),
    check("restore_job_items_failed_has_reason", sql`${t.outcome} <> 'failed' OR ${t.reason} IS NOT NULL`),
    tenantPolicy("restore_job_items"),
  ],
).enableRLS();

export type RestoreJob = typeof restoreJobs.$inferSelect;
