import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { backupRuns } from "./backup-runs";
import { organizations } from "./organizations";
import { units } from "./units";

/** `expired`: a committed snapshot past its retain-until, not held, swept by retentionSweep (no longer a restore point). */
export const SNAPSHOT_STATUSES = ["open", "committed", "failed", "expired"] as const;
export const snapshotStatus = pgEnum("snapshot_status", SNAPSHOT_STATUSES);
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/**
 * One unit's state after one run. `seq` increases by one per unit; item versions record the seq
 * range in which they were current (docs/adr/0008-catalogue-ranges.md).
 */
export const snapshots = pgTable(
  "snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").notNull().references(() => units.id, { onDelete: "restrict" }),
    runId: uuid("run_id").notNull().references(() => backupRuns.id, { onDelete: "restrict" }),
    seq: integer("seq").notNull(),
    vaultSnapshotId: text("vault_snapshot_id"),
    status: snapshotStatus("status").notNull().default("open"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    committedAt: timestamp("committed_at", { withTimezone: true }),
    itemCount: bigint("item_count", { mode: "number" }).notNull().default(0),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    retainUntil: timestamp("retain_until", { withTimezone: true }),
    /** When retentionSweep expired it (status `expired`). */
    expiredAt: timestamp("expired_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("snapshots_unit_seq_key").on(t.unitId, t.seq),
    uniqueIndex("snapshots_unit_run_key").on(t.unitId, t.runId),
    index("snapshots_tenant_id_idx").on(t.tenantId),
    // The dashboard's history: a tenant's snapshots committed in a window of days.
    index("snapshots_tenant_committed_idx").on(t.tenantId, t.committedAt),
    tenantPolicy("snapshots"),
  ],
).enableRLS();

export type Snapshot = typeof snapshots.$inferSelect;

export const RETENTION_SWEEP_STATUSES = ["running", "completed", "failed"] as const;
export const retentionSweepStatus = pgEnum("retention_sweep_status", RETENTION_SWEEP_STATUSES);

/** One run of a tenant's retentionSweep: what it expired, what it kept for a hold, what the vault's GC did. */
export const retentionSweeps = pgTable(
  "retention_sweeps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    status: retentionSweepStatus("status").notNull().default("running"),
    /** Snapshots marked expired in the catalogue. */
    expiredSnapshots: integer("expired_snapshots").notNull().default(0),
    /** Snapshots of held units whose locks were extended instead. */
    heldExtended: integer("held_extended").notNull().default(0),
    /** The vault GC's report (counts, problems, skipped objects). */
    gcReport: jsonb("gc_report").$type<Record<string, unknown>>(),
    error: text("error"),
  },
  (t) => [index("retention_sweeps_tenant_started_idx").on(t.tenantId, t.startedAt), tenantPolicy("retention_sweeps")],
).enableRLS();
