// Activity factory (CONVENTIONS §11): the worker injects its dependencies once, and workflow
// definitions see only `import type { Activities }`.
import type { Database } from "@holdfast/db";
import type { VerifyAuditChainPageInput, VerifyAuditChainPageResult } from "../contracts";
import { createBackupActivities } from "./backup/activities";
import type { BackupPorts } from "./backup/ports";
import { createRestoreActivities } from "./restore/activities";
import type { RestorePorts } from "./restore/ports";
import { verifyAuditChainPage } from "./verify-audit-chain-page";
import { createExportActivities } from "./export/activities";
import type { ExportPorts } from "./export/ports";
import { createMaintenanceActivities } from "./maintenance/activities";
import type { MaintenancePorts } from "./maintenance/ports";
import { createGuardActivities } from "./guard/activities";
import type { GuardPorts } from "./guard/ports";
import { createRetentionActivities } from "./retention/activities";
import type { RetentionPorts } from "./retention/ports";
import { createProtectionActivities } from "./protection/activities";
import type { ProtectionPorts } from "./protection/ports";
import { createAuditDigestActivities } from "./audit-digest/activities";
import { createDrillActivities } from "./drills/activities";
import type { DrillPorts } from "./drills/ports";
import type { AuditDigestPorts } from "./audit-digest/ports";
import { createWebhookActivities } from "./webhooks/activities";
import type { WebhookPorts } from "./webhooks/ports";

export type { BackupPorts, BackupStore, IssueRecord, SegmentRecord, UnitState, VersionRecord } from "./backup/ports";
export { createBackupActivities, SOURCE_DISCONNECTED, type BackupActivities } from "./backup/activities";
export { runSegment, SourceDisconnectedError, type SegmentEnv, type SegmentOutcome, type StoredItemMeta } from "./backup/segment";
export { restoreItems, RestoreDisconnectedError, type RestoreEnv, type RestoreItemResult, type RestoreRef } from "./restore/restore-items";
export { vaultPathFor, folderMarkerPath } from "./backup/vault-paths";
export type { RestoreJob, RestorePorts, RestoreStore } from "./restore/ports";
export { createRestoreActivities, countOutcomes, RESTORE_DISCONNECTED, type RestoreActivities } from "./restore/activities";

export type { ArchiveStore, ExportCompletion, ExportItemRecord, ExportJobFormat, ExportJobState, ExportJobStore, ExportPorts, ExportSelectionItem } from "./export/ports";
export { createExportActivities, originalFileName, type ExportActivities } from "./export/activities";

export type { MaintenancePorts, OpenRunRecord, RunBookkeeping } from "./maintenance/ports";
export { createMaintenanceActivities, type MaintenanceActivities } from "./maintenance/activities";
// The worker upserts the maintenance schedule at start-up, next to registering these activities.
export { MAINTENANCE_SCHEDULE_ID, upsertMaintenanceSchedule } from "../schedules";
export { ABANDON_GRACE_MS, ABANDONED_SUMMARY, closeAbandonedRuns, temporalWorkflowRunning, type AbandonedRun } from "./maintenance/abandoned-runs";

export type { GuardPorts, GuardRefusal } from "./guard/ports";
export { createGuardActivities, type GuardActivities } from "./guard/activities";

export type { HeldSnapshotRecord, RetentionPorts } from "./retention/ports";
export { createRetentionActivities, type RetentionActivities } from "./retention/activities";
// The worker upserts the daily retention schedule at start-up, next to registering these activities.
export { RETENTION_SWEEP_SCHEDULE_ID, upsertRetentionSweepSchedule } from "../retention-schedule";
export * from "../retention-contracts";

export type { ProtectionPorts } from "./protection/ports";
export { createProtectionActivities, type ProtectionActivities } from "./protection/activities";
export { upsertProtectionSchedule } from "../protection-schedule";
export * from "../protection-contracts";

export type { DrillPorts } from "./drills/ports";
export { createDrillActivities, type DrillActivities } from "./drills/activities";
export { upsertVerifyVaultsSchedule } from "../drill-schedule";
export * from "../drill-contracts";

export { createAuditDigestActivities, type AuditDigestActivities, type AuditDigestPorts, type DigestDayOutcome, AUDIT_DIGEST_SCHEDULE_ID, upsertAuditDigestSchedule } from "./audit-digest";

export type { WebhookPorts } from "./webhooks/ports";
export { createWebhookActivities, type WebhookActivities } from "./webhooks/activities";
export { upsertWebhookDeliveriesSchedule } from "../schedules";
export * from "../webhook-contracts";

export interface ActivityDeps {
  /** Connected as the application role: every read goes through withTenant and RLS. */
  db: Database;
  /** The backup activities' ports; a worker without them registers no backup activities. */
  backup?: BackupPorts;
  /** The restore activities' ports; a worker without them registers no restore activities. */
  restore?: RestorePorts;
  /** The export activity's ports; a worker without them registers no export activities. */
  exports?: ExportPorts;
  /**
   * The maintenance activities' ports; with them the backup activities also close runs left open
   * by a dead workflow and the snapshots a finished run's failed units left open.
   */
  maintenance?: MaintenancePorts;
  /** The guarded requests' ports (docs/adr/0020); a worker without them runs no guarded request. */
  guard?: GuardPorts;
  /** The retention sweep's ports (docs/adr/0018 "Sweep"); a worker without them runs no sweep. */
  retention?: RetentionPorts;
  /** The hourly protection check's ports (dead-man alerts); a worker without them runs no check. */
  protection?: ProtectionPorts;
  /** The daily signed audit digests' ports; a worker without them writes no digest. */
  auditDigest?: AuditDigestPorts;
  /** The restore drills' ports (issue 7's verifyVault); a worker without them runs no drill. */
  drills?: DrillPorts;
  /** The webhook sender's ports (issue 7); a worker without them sends no webhook. */
  webhooks?: WebhookPorts;
}

export function createActivities(deps: ActivityDeps) {
  return {
    verifyAuditChainPage: (input: VerifyAuditChainPageInput): Promise<VerifyAuditChainPageResult> => verifyAuditChainPage(deps, input),
    ...(deps.backup ? createBackupActivities(deps.backup, deps.maintenance ? { runs: deps.maintenance.runs } : {}) : {}),
    ...(deps.restore ? createRestoreActivities(deps.restore) : {}),
    ...(deps.exports ? createExportActivities(deps.exports) : {}),
    ...(deps.maintenance ? createMaintenanceActivities(deps.maintenance) : {}),
    ...(deps.guard ? createGuardActivities(deps.guard) : {}),
    ...(deps.retention ? createRetentionActivities(deps.retention) : {}),
    ...(deps.protection ? createProtectionActivities(deps.protection) : {}),
    ...(deps.auditDigest ? createAuditDigestActivities(deps.auditDigest) : {}),
    ...(deps.drills ? createDrillActivities(deps.drills) : {}),
    ...(deps.webhooks ? createWebhookActivities(deps.webhooks) : {}),
  };
}

export type Activities = ReturnType<typeof createActivities>;
