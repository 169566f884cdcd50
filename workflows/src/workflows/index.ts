// The workflow bundle's entry: every workflow type the worker registers is exported here.
export { verifyAuditChain } from "./verify-audit-chain";
export { backupSource } from "./backup-source";
export { backupUnit } from "./backup-unit";
export { restore } from "./restore";
export { exportJob } from "./export";
export { maintenance } from "./maintenance";
export { guardedRequest } from "./guarded-request";
export { retentionSweep, retentionSweeps } from "./retention-sweep";
export { protectionCheck } from "./protection-check";
export { auditDigest } from "./audit-digest";
export { verifyVault, verifyVaults } from "./verify-vault";
export { webhookDeliveries } from "./webhook-deliveries";
