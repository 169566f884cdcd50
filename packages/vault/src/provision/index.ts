export { createLockedBucket, newVaultCredentials, provisionVaultBucket, putVaultBucketPolicy, type VaultAdmin } from "./provision.js";
export { vaultBucketPolicy, READER_ACTIONS, WRITER_ACTIONS, GC_ACTIONS, type BucketPolicy, type PolicyStatement, type VaultPrincipals } from "./policy.js";
export { VersityAdmin, VersityAdminError, type VersityRole } from "./versity-admin.js";
export {
  ProvisionVaultInput,
  VaultRoles,
  type IdentityAdmin,
  type ProvisionedVault,
  type VaultIdentity,
  type VaultRole,
} from "./types.js";
