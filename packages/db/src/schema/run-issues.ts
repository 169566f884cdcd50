import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantPolicy } from "./_rls";
import { backupRuns } from "./backup-runs";
import { organizations } from "./organizations";
import { units } from "./units";

export const RUN_ISSUE_REASONS = ["rate_limited", "unsupported", "permission", "not_found", "too_large", "failed", "disconnected"] as const;
export const runIssueReason = pgEnum("run_issue_reason", RUN_ISSUE_REASONS);
export type RunIssueReason = (typeof RUN_ISSUE_REASONS)[number];

/** Every item a run could not capture, and why: nothing is skipped silently. */
export const runIssues = pgTable(
  "run_issues",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => organizations.id, { onDelete: "restrict" }),
    runId: uuid("run_id").notNull().references(() => backupRuns.id, { onDelete: "restrict" }),
    unitId: uuid("unit_id").references(() => units.id, { onDelete: "restrict" }),
    itemExternalId: text("item_external_id"),
    path: text("path"),
    reason: runIssueReason("reason").notNull(),
    message: text("message").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("run_issues_run_id_idx").on(t.runId), index("run_issues_tenant_id_idx").on(t.tenantId), tenantPolicy("run_issues")],
).enableRLS();

export type RunIssue = typeof runIssues.$inferSelect;
