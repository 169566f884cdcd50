export * from "./errors";
export * from "./types";
export { audit, isSelfService, requireRole, requireUnitAccess, unitScope, type Actor, type SelfServiceScope, type TenantContext } from "./context";
export { createOrganization, type CreateOrganizationInput } from "./organizations/create";
export { getOrganization } from "./organizations/get";
export { listMyOrganizations } from "./organizations/list-mine";
export { resolveUserAccess, resolveUserRole, listSelfServiceGrants, type UserAccess, type SelfServiceGrant } from "./access/resolve-user";
export { signInWithIdentity, IdentityClaims, type IdentityUser } from "./users/sign-in-with-identity";
export { getSelfServiceSettings, setSelfServiceSettings, type SelfServiceSettings } from "./self-service/settings";
export { authenticateApiKey, type ApiKeyPrincipal } from "./access/authenticate-api-key";
export { signUp } from "./users/sign-up";
export { verifyCredentials, MAX_FAILURES_PER_ACCOUNT, type Credentials } from "./users/verify-credentials";
export { startTotpEnrolment, confirmTotpEnrolment, getProfile } from "./users/totp";
export { auditUserEvent } from "./users/audit-all";
export { listMembers } from "./members/list";
export { inviteMember, listInvitations } from "./members/invite";
export { acceptInvitation } from "./members/accept-invitation";
export { revokeInvitation } from "./members/revoke-invitation";
export { changeMemberRole } from "./members/change-role";
export { removeMember } from "./members/remove";
export { createApiKey } from "./api-keys/create";
export { listApiKeys } from "./api-keys/list";
export { revokeApiKey } from "./api-keys/revoke";
export { listAuditEvents } from "./audit/list";
export { bootstrapOrganization, type BootstrapOrganizationInput } from "./organizations/bootstrap";
export * from "./sources/types";
export { systemContext } from "./sources/system-context";
export { registerSource } from "./sources/register";
export { loadSourceConnection, loadSourceCredentials } from "./sources/credentials";
export { getBackupUnit, type BackupUnit } from "./sources/backup-unit";
// The tenant-vault verbs pull in the storage engine (native zstd, worker threads): they live at
// "@holdfast/services/vaults" so the web bundle does not carry them.
export {
  defaultCopyFolder,
  finishRestoreJob,
  getRestore,
  listRestoreItems,
  nextRestoreBatch,
  recordRestoreOutcomes,
  requestRestore,
  startRestoreJob,
  type RequestRestoreInput,
  type Restore,
  type RestoreOutcomeInput,
} from "./restores/restores";
export { syncDiscoveredUnits } from "./sources/sync-units";
export { setUnitProtection } from "./sources/set-protection";
export { setUnitCursor } from "./sources/set-cursor";
export { listUnits } from "./sources/list-units";
export { getUnit, type UnitWithSource } from "./sources/get-unit";
export { listOwnUnits } from "./self-service/own-units";
export {
  StartRunInput,
  FinishRunInput,
  BackupRun,
  RunIssueInput,
  Snapshot,
  CommitSnapshotInput,
  RecordVersionInput,
  ItemVersion,
  BrowseInput,
  BrowsePage,
  SearchInput,
  SearchPage,
  ResolveAsOfInput,
  ResolvedPage,
} from "./catalogue/types";
export { startRun } from "./catalogue/start-run";
export { finishRun } from "./catalogue/finish-run";
export { recordRunIssues } from "./catalogue/record-issues";
export { openSnapshot } from "./catalogue/open-snapshot";
export { commitSnapshot } from "./catalogue/commit-snapshot";
export { recordVersions, type RecordVersionsResult } from "./catalogue/record-versions";
export { markDeleted } from "./catalogue/mark-deleted";
export { browse } from "./catalogue/browse";
export { search } from "./catalogue/search";
export { listItemVersions } from "./catalogue/item-versions";
export { resolveAsOf } from "./catalogue/resolve-as-of";
export { PgLimiterStore, SLOT_LEASE_MS } from "./limits/pg-limiter-store";
// exports
export { ExportFormat, RequestExportInput, RequestItemContentInput, Export, ExportList, ListExportsInput, ExportItemOutcome } from "./exports/types";
export { formatsFor, CONTENT_TYPES as EXPORT_CONTENT_TYPES } from "./exports/formats";
export { downloadPath as exportDownloadPath } from "./exports/map";
export { requestExport, requestItemContent, abandonExport } from "./exports/request";
export { getExport, listExports, listExportItems } from "./exports/read";
export { startExportJob, resolveExportSelection, completeExportJob, failExportJob, expiredExports, markExportDeleted, type ExportSelectionRef, type ExportOutcomeInput, type CompleteExportInput } from "./exports/worker";
export { ExportsStore, exportsStore, safeFileName, type ExportsStoreOptions, type StoredArchive } from "./exports/store";
export { openExportDownload, ExportExpiredError, type ExportDownload } from "./exports/download";
// jobs, catalogue & restores over the API
export * from "./jobs/types";
export { requestBackup, type RequestBackupDeps } from "./jobs/request-backup";
export { requestRestoreJob, CreateRestoreInput } from "./jobs/request-restore";
export { getJob } from "./jobs/get-job";
export { listJobs } from "./jobs/list-jobs";
export { ListSnapshotsInput, SnapshotListItem, SnapshotPage, FindItemsInput, ItemPage, ItemVersionList } from "./catalogue/types";
export { listSnapshots } from "./catalogue/list-snapshots";
export { findItems } from "./catalogue/find-items";
export { RestoreJobView, RestoreItem, RestoreItemPage, ListRestoreItemsInput, listRestoreItemPage, failUnstartedRestore } from "./restores/restores";
// sources & onboarding
export { createSource, requestSourceConsent, CONSENT_CALLBACK_PATH, type OnboardingOptions } from "./sources/create";
export { completeSourceConsent, type ConsentCallbackOptions, type OnboardingJobs } from "./sources/consent";
export { getSource, listSources, type SourceViewOptions } from "./sources/detail";
export { updateSource } from "./sources/update";
export { listSourceUnits } from "./sources/units-page";
export { getVaultStatus } from "./sources/vault-status";
export { executedRotation, requestVaultCredentialRotation, RotateVaultCredentialsInput } from "./vaults/request-rotation";
export { nextLocalTime } from "./sources/next-run";
// maintenance (worker): runs left open by a dead workflow, expired archives and idempotency records
export { abandonRun, closeFinishedRunSnapshots, openRunsOfSource, type OpenRun } from "./maintenance/abandoned-runs";
export { IDEMPOTENCY_RECORD_TTL_MS, purgeExpiredIdempotencyKeys, sweepExpiredExports, tenantsDueForMaintenance, type ExportSweepResult } from "./maintenance/sweeps";
export * from "./dashboard/index";
export * from "./preview/index";
// retention (issue 7): policies, legal holds, each snapshot's retain-until
export { RetentionPolicy, DEFAULT_RETENTION_POLICY, FOREVER_YEARS, retainUntilFor, periodFirsts, compareRetention, type PeriodFirsts, type RetentionComparison } from "./retention/policy";
export { RetentionScope, GetRetentionInput, SetRetentionPolicyInput, PlaceLegalHoldInput, type RetentionSource, type RetentionView, type LegalHoldView } from "./retention/types";
export { getRetention } from "./retention/get";
export { setRetentionPolicy, type SetRetentionPolicyResult, type RetentionChangeRequested } from "./retention/set-policy";
export { placeLegalHold, listLegalHolds, releaseLegalHold } from "./retention/legal-holds";
export { snapshotRetainUntil } from "./retention/snapshot-retain-until";
export { RetentionOverride, listRetentionOverrides } from "./retention/list-overrides";
export { LegalHoldRow, listLegalHoldRows } from "./retention/legal-hold-rows";
// notifications (issue 7): every owner and admin told at once (docs/adr/0019)
export { announceToAdmins, type Announcement, type AnnounceOptions, type AnnounceResult } from "./notify/announce";

// guarded requests (issue 7, docs/adr/0020-guarded-requests.md): weakenings wait for a second person and a delay
export {
  GUARDED_REQUEST_LABELS,
  GuardedRequestKind,
  GuardedRequestStatus,
  GuardedRequestView,
  ListGuardedRequestsInput,
  ApproveGuardedRequestInput,
  CancelGuardedRequestInput,
  SetGuardDelayInput,
  SetGuardianInput,
  guardedRequestWorkflowId,
  type Guarded,
  type GuardApproval,
  type GuardRunner,
} from "./guard/types";
export { requestGuarded, type GuardDeps, type GuardedRequestSpec } from "./guard/request";
export { listGuardedRequests, getGuardedRequest, approveGuardedRequest, cancelGuardedRequest } from "./guard/decide";
export { getGuardSettings, setGuardDelay, setGuardian, type GuardSettings } from "./guard/settings";
export {
  loadGuardedRequestState,
  guardApprove,
  guardApply,
  guardExpire,
  announceGuardedRequest,
  openGuardedRequests,
  auditUnannouncedGuardedRequest,
  GuardRefusedError,
  GUARD_EVENTS,
  type GuardEvent,
  type GuardedRequestState,
} from "./guard/worker";
// signed daily audit digests (issue 7, docs/audit-chain.md): built by the worker, written to the vault under compliance lock
export {
  AUDIT_DIGEST_FORMAT,
  AUDIT_DIGEST_RETENTION_YEARS,
  AUDIT_EVENT_EXPORT_FORMAT,
  AUDIT_SIGNING_KEY_FORMAT,
  AUDIT_SIGNING_KEY_OBJECT,
  AuditDay,
  AuditDigest,
  AuditDigestList,
  AuditDigestPayload,
  GetAuditDigestInput,
  ListAuditDigestsInput,
  SignedAuditDigest,
  auditDigestObjectKey,
} from "./audit/digest-types";
export {
  AUDIT_DIGEST_GRACE_MS,
  auditDigestDaysDue,
  auditDigestTenants,
  auditDigestVaultObject,
  auditSigningKeyVaultObject,
  buildDailyDigest,
  getAuditDigest,
  listAuditDigests,
  type AuditVaultObject,
  type BuiltAuditDigest,
} from "./audit/digests";
export { findSigningKey, type AuditSigningKey } from "./audit/signing-key";
export { exportAuditEvents } from "./audit/export";
// retention sweep (issue 7, docs/adr/0018 "Sweep"): held snapshots extended, the rest expired, the sweep's log
export {
  HELD_EXTEND_DAYS,
  HELD_EXTEND_HORIZON_DAYS,
  expireSnapshots,
  finishRetentionSweep,
  heldExtensionDate,
  heldSnapshotsToExtend,
  recordHeldExtension,
  recordSweepGcReport,
  retentionSweepTenants,
  startRetentionSweep,
  type HeldSnapshot,
  type RetentionSweepOutcome,
} from "./retention/sweep";
// dead-man alerts (issue 7): late or stopped backups, revoked consent, emailed once and resolved
export { ALERT_CODES, checkProtection, tenantsToCheck, type AlertCode, type ProtectionCheckResult } from "./alerts/protection";
// restore drills (issue 7's verifyVault): a sample restored into scratch space, hashes checked, pass/fail shown
export { DRILL_PROBLEMS_KEPT, DRILL_SAMPLE_ITEMS, DRILL_SAMPLE_PER_UNIT, finishDrill, latestDrill, listDrills, sampleDrillItems, startDrill } from "./drills/drills";
export { Drill, DrillProblem, DrillResult, ListDrillsInput, type DrillSampleItem } from "./drills/types";
// webhooks (issue 7: every announcement by email "plus webhook"): endpoints, deliveries, the worker's sender
export { createWebhook, checkWebhookUrl } from "./webhooks/create";
export { listWebhooks, listWebhookDeliveries } from "./webhooks/list";
export { removeWebhook } from "./webhooks/remove";
export { sendTestWebhook } from "./webhooks/test-event";
export { deliverDueWebhooks, webhookBackoffMs, webhookTenantsDue, WEBHOOK_BATCH, type DeliverOptions, type WebhookFetch } from "./webhooks/send";
export { newWebhookSecret, signWebhook, verifyWebhookSignature, type VerifyWebhookOptions } from "./webhooks/signature";
export { webhooksConfig } from "./webhooks/config";
export * from "./webhooks/types";
// removing a source (issue 7): always a guarded request; its backups stay restorable until their dates
export { removeSource, sourceRemovedByRequest } from "./sources/remove";
export { SOURCE_REMOVED } from "./sources/guards";
// closing an organisation (issue 7): always a guarded request; members, audit log and backups stay until their dates
export { closeOrganization, CloseOrganizationInput, sourcesClosedByRequest } from "./organizations/close";
export { ORGANIZATION_CLOSED } from "./organizations/closed";
// erasing items from backups (issue 7, e.g. a GDPR request): always a guarded request; readers skip erased items
export { requestErasure, erasureSummary } from "./erasure/request";
export { RequestErasureInput, ITEM_ERASED } from "./erasure/types";
export { erasureLedgerInput, type ErasureLedgerInput } from "./erasure/ledger";
