// Server-side entry: contracts plus a typed starter. Activities (`./activities`) and workflow
// definitions (`./workflows`) have their own exports so neither drags the other in.
export * from "./contracts";
export { startVerifyAuditChain } from "./client";
export { deleteSourceSchedule, MAINTENANCE_SCHEDULE_ID, scheduleIdFor, scheduleTimes, SourceSchedule, startBackupSource, upsertMaintenanceSchedule, upsertSourceSchedule } from "./schedules";
export * from "./guard-contracts";
export * from "./webhook-contracts";
