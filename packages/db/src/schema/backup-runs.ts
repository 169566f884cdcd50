import { bigint, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { organizations } from "./organizations";
import { sources } from "./sources";
import { units } from "./units";

export const RUN_TRIGGERS = ["scheduled", "on_demand"] as const;
export const runTrigger = pgEnum("run_trigger", RUN_TRIGGERS);
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ["running", "completed", "completed_with_warnings", "failed", "cancelled"] as const;
export const runStatus = pgEnum("run_status", RUN_STATUSES);
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One backup of a source (or, on demand, of one unit). Keyed by its Temporal workflow id. */
export const backupRuns = pgTable(
  "backup_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    sourceId: uuid("source_id").notNull().references(() => sources.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").references(() => units.id, { onDelete: "restrict" }),
    trigger: runTrigger("trigger").notNull(),
    workflowId: text("workflow_id").notNull(),
    status: runStatus("status").notNull().default("running"),
    itemsDone: bigint("items_done", { mode: "number" }).notNull().default(0),
    bytesDone: bigint("bytes_done", { mode: "number" }).notNull().default(0),
    issueCount: integer("issue_count").notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    errorSummary: text("error_summary"),
  },
  (t) => [
    uniqueIndex("backup_runs_tenant_workflow_key").on(t.tenantId, t.workflowId),
    index("backup_runs_source_started_idx").on(t.sourceId, t.startedAt),
    tenantPolicy("backup_runs"),
  ],
).enableRLS();

export type BackupRun = typeof backupRuns.$inferSelect;
