// The audit-digest feature's public surface for the worker (re-exported by ../index.ts once wired).
export { createAuditDigestActivities, type AuditDigestActivities } from "./activities";
export type { AuditDigestPorts, DigestDayOutcome } from "./ports";
export { AUDIT_DIGEST_SCHEDULE_ID, upsertAuditDigestSchedule } from "./schedule";
