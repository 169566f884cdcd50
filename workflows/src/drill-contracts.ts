// Restore drills' boundary (issue 7's verifyVault): ids, counts and short problem lists only; the
// sample's refs travel between activities (a few dozen paths), never item bytes.
import { z } from "zod";

const Uuid = z.string().uuid();

/** Fraction of packs verified in full per drill (at least one). */
export const DRILL_PACK_SAMPLE = 0.1;
/** Failed tenants named in the fan-out's result; the rest are counted. */
export const DRILL_FAILED_LISTED = 20;

export const VerifyVaultInput = z.object({ tenantId: Uuid, at: z.string().datetime() }).strict();
export type VerifyVaultInput = z.infer<typeof VerifyVaultInput>;

export const VerifyVaultsInput = z.object({ concurrency: z.number().int().min(1).max(8).optional() }).strict();
export type VerifyVaultsInput = z.infer<typeof VerifyVaultsInput>;

export interface DrillProblemRecord {
  object: string;
  problem: string;
}

export interface DrillItemRef {
  versionId: string;
  vaultSnapshotId: string;
  vaultPath: string;
  path: string;
  contentSha256: string;
}

export interface PackCheck {
  snapshots: number;
  packsChecked: number;
  problems: DrillProblemRecord[];
}

export interface SampleRestore {
  restored: { versionId: string; sha256: string; bytes: number }[];
  problems: DrillProblemRecord[];
  bytes: number;
  ms: number;
}

export interface VerifyVaultResult {
  tenantId: string;
  drillId: string;
  status: "passed" | "failed";
  packsChecked: number;
  itemsSampled: number;
  itemsMatched: number;
  problems: number;
}

export interface VerifyVaultsResult {
  at: string;
  tenants: number;
  passed: number;
  failed: number;
  /** Tenants whose drill could not run (named, up to DRILL_FAILED_LISTED). */
  errors: { tenantId: string; reason: string }[];
}

export const VERIFY_VAULTS_SCHEDULE_ID = "verify-vaults-schedule";
export const drillWorkflowIds = {
  /** The schedule appends the scheduled time; a manual run picks its own key. */
  verifyVaults: (runKey: string): string => `verify-vaults:${runKey}`,
  verifyVault: (tenantId: string, at: string): string => `verify-vault:${tenantId}:${at}`,
};
