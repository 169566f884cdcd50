// Boundary schemas of the console's overview (one name for schema and type, CONVENTIONS §8).
import { RUN_ISSUE_REASONS, RUN_STATUSES, SOURCE_STATUSES, UNIT_KINDS } from "@holdfast/db";
import { z } from "zod";
import { ApiSourceProvider } from "../sources/types";

/**
 * Worst first: the order the overview sorts by and the order `worstState` picks from. `removed`
 * (an approved `source.remove`) is last: nothing is expected of it any more, so it is never late.
 */
export const PROTECTION_STATES = ["revoked", "stopped", "failing", "warning", "pending", "protected", "removed"] as const;
export const ProtectionState = z.enum(PROTECTION_STATES);
export type ProtectionState = z.infer<typeof ProtectionState>;

export const REASON_CODES = [
  "consent_revoked",
  "disconnected",
  "source_error",
  "consent_pending",
  "no_backup_yet",
  "backups_stopped",
  "backups_late",
  "schedule_paused",
  "last_run_failed",
  "last_run_cancelled",
  "run_issues",
  "units_failing",
  "units_never_backed_up",
  "no_units",
  "source_removed",
] as const;
export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** Why a source is not simply protected, and what the person reading it should do about it. */
export const DashboardReason = z.object({
  code: ReasonCode,
  severity: z.enum(["danger", "warning", "info"]),
  message: z.string(),
  action: z.string(),
  /** For `run_issues`: how many items of the last run, by reason. */
  issues: z.array(z.object({ reason: z.enum(RUN_ISSUE_REASONS), count: z.number().int() })).optional(),
});
export type DashboardReason = z.infer<typeof DashboardReason>;

export const DashboardRun = z.object({
  id: z.string().uuid(),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  itemsDone: z.number().int(),
  bytesDone: z.number().int(),
  issueCount: z.number().int(),
  errorSummary: z.string().nullable(),
});
export type DashboardRun = z.infer<typeof DashboardRun>;

export const DashboardUnitCounts = z.object({
  /** In scope: not excluded and not gone (what a scheduled backup enumerates). */
  total: z.number().int(),
  /** In scope, with a committed recovery point no older than the source's late threshold. */
  protected: z.number().int(),
  /** In scope and backed up before, but its last attempt failed or its recovery point is late. */
  failing: z.number().int(),
  /** In scope and never backed up yet. */
  pending: z.number().int(),
});
export type DashboardUnitCounts = z.infer<typeof DashboardUnitCounts>;

export const DashboardSource = z.object({
  id: z.string().uuid(),
  name: z.string(),
  provider: ApiSourceProvider,
  status: z.enum(SOURCE_STATUSES),
  state: ProtectionState,
  reasons: z.array(DashboardReason),
  lastRun: DashboardRun.nullable(),
  running: z.boolean(),
  nextRunAt: z.string().datetime().nullable(),
  lastSuccessAt: z.string().datetime().nullable(),
  /** When an approved request removed the source (state `removed`); null otherwise. */
  removedAt: z.string().datetime().nullable(),
  /** Age of the oldest latest recovery point among the source's in-scope units; null before any. */
  rpoAgeSeconds: z.number().int().nullable(),
  oldestRecoveryPointAt: z.string().datetime().nullable(),
  units: DashboardUnitCounts,
  /** Items and bytes in every unit's latest committed snapshot (what a restore could bring back now). */
  items: z.number().int(),
  bytes: z.number().int(),
  schedule: z.object({ timesPerDay: z.number().int(), paused: z.boolean() }),
  /** The recovery point age past which the source is late (warning) and stopped (red). */
  thresholds: z.object({ lateAfterSeconds: z.number().int(), stoppedAfterSeconds: z.number().int() }),
});
export type DashboardSource = z.infer<typeof DashboardSource>;

export const UNIT_STATES_ON_DASHBOARD = ["protected", "failing", "pending"] as const;

/** A unit that needs attention (or, for small organisations, every unit). */
export const DashboardUnit = z.object({
  id: z.string().uuid(),
  sourceId: z.string().uuid(),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  ownerEmail: z.string().nullable(),
  state: z.enum(UNIT_STATES_ON_DASHBOARD),
  lastBackupAt: z.string().datetime().nullable(),
  rpoAgeSeconds: z.number().int().nullable(),
  lastAttempt: z.enum(["open", "committed", "failed"]).nullable(),
  items: z.number().int(),
  bytes: z.number().int(),
});
export type DashboardUnit = z.infer<typeof DashboardUnit>;

export const DashboardWarning = DashboardReason.extend({ sourceId: z.string().uuid(), sourceName: z.string(), state: ProtectionState });
export type DashboardWarning = z.infer<typeof DashboardWarning>;

export const DashboardSummary = z.object({
  generatedAt: z.string().datetime(),
  sources: z.array(DashboardSource),
  /** Worst units first; at most `unitLimit` of them (see `unitsTruncated`). */
  units: z.array(DashboardUnit),
  unitsTruncated: z.boolean(),
  totals: z.object({
    sources: z.object({ total: z.number().int(), protected: z.number().int(), attention: z.number().int() }),
    units: DashboardUnitCounts,
    items: z.number().int(),
    bytes: z.number().int(),
    oldestRecoveryPointAt: z.string().datetime().nullable(),
    rpoAgeSeconds: z.number().int().nullable(),
    running: z.number().int(),
  }),
  /** Every reason of every source, worst first: what the overview's banners show. */
  warnings: z.array(DashboardWarning),
});
export type DashboardSummary = z.infer<typeof DashboardSummary>;

export const DashboardHistoryInput = z.object({
  days: z.number().int().min(1).max(366).default(30),
  /** Days are the viewer's calendar days. */
  timeZone: z
    .string()
    .max(100)
    .default("UTC")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as Europe/Paris"),
});
export type DashboardHistoryInput = z.input<typeof DashboardHistoryInput>;

export const DashboardHistoryDay = z.object({
  /** The calendar day (YYYY-MM-DD) in the requested time zone. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** End of day: the sum over units of their latest committed snapshot's items and bytes. */
  protectedItems: z.number().int(),
  protectedBytes: z.number().int(),
  /**
   * End of day: the cumulative bytes of new item versions captured into the vault by every run
   * (logical size, before the vault's deduplication and compression). The vault is append-only,
   * so this only grows; it is an upper bound of what the bucket stores.
   */
  vaultBytes: z.number().int(),
  /** Bytes captured into the vault that day. */
  vaultBytesAdded: z.number().int(),
});
export type DashboardHistoryDay = z.infer<typeof DashboardHistoryDay>;

export const DashboardRunDuration = z.object({
  id: z.string().uuid(),
  sourceId: z.string().uuid(),
  status: z.enum(RUN_STATUSES),
  trigger: z.enum(["scheduled", "on_demand"]),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  durationSeconds: z.number().int(),
  itemsDone: z.number().int(),
  bytesDone: z.number().int(),
});
export type DashboardRunDuration = z.infer<typeof DashboardRunDuration>;

export const DashboardHistory = z.object({
  days: z.array(DashboardHistoryDay),
  /** Finished runs in the window, oldest first, at most `runLimit`. */
  runs: z.array(DashboardRunDuration),
  runsTruncated: z.boolean(),
  timeZone: z.string(),
});
export type DashboardHistory = z.infer<typeof DashboardHistory>;
