// What holdfast-restore needs from a vault, as an interface: the commands are tested against an
// in-memory fake, and vault.ts binds it to @holdfast/vault (the only package this folder uses).
import type { AuditObjects } from "./audit-verify";

export interface VaultConnection {
  /** S3 endpoint URL; undefined means AWS S3 itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SnapshotInfo {
  id: string;
  source: string;
  unit: string;
  startedAt: string;
  committedAt: string;
  retainUntil: string;
  items: number;
  bytes: number;
}

export interface ItemInfo {
  /** `/`-separated, unique within a snapshot. */
  path: string;
  size: number;
  meta?: unknown;
}

/** An erasure request recorded in the vault's erasure ledger (docs/vault-format.md §15). */
export interface ErasureInfo {
  requestId: string;
  /** ISO 8601. */
  executedAt: string;
}

/** Which erasure, if any, covers an item of a snapshot of `unit`. */
export type ErasureMatcher = (unit: string, item: ItemInfo) => ErasureInfo | null;

/** The vault's erasure ledger as the commands see it. */
export interface ErasureLedgerView {
  match: ErasureMatcher;
  /** Ledger object versions that were ignored (they do not authenticate): signs of tampering. */
  problems: VerifyProblem[];
}

/** Items a command left out, per erasure request. */
export interface LeftOut {
  reason: "erased";
  requestId: string;
  executedAt: string;
  items: number;
}

export interface VerifyProblem {
  /** The object key (or snapshot id) at fault. */
  object: string;
  problem: string;
}

export interface VerifyResult {
  snapshots: number;
  packsChecked: number;
  blobsChecked: number;
  problems: VerifyProblem[];
}

export interface RestoreRequest {
  target: string;
  /** A folder or item of the snapshot, normalised ("" for everything). */
  prefix: string;
  /** Item paths to leave out (erased items); not restored and not counted. */
  exclude?: readonly string[];
  overwrite: boolean;
  onProgress?: (p: { itemsDone: number; itemsFailed: number; itemsTotal: number; bytesWritten: number; bytesTotal: number }) => void;
}

export interface RestoreFailure {
  path: string;
  /** damaged / unreadable vault object, target file exists, or local disk error. */
  kind: "damaged" | "unreadable" | "exists" | "io";
  object: string;
  reason: string;
}

export interface RestoreOutcome {
  items: number;
  bytes: number;
  filesWritten: number;
  /** Items not restored; nothing is left under their names. */
  failed: RestoreFailure[];
}

export interface RestoreVault {
  /** Newest first. */
  snapshots(): Promise<SnapshotInfo[]>;
  items(snapshotId: string): Promise<ItemInfo[]>;
  /**
   * Restores the items at `prefix` into `target`, each file authenticated blob by blob and renamed
   * into place only when complete; items that cannot be restored are reported, not written.
   */
  restore(snapshotId: string, req: RestoreRequest): Promise<RestoreOutcome>;
  verify(opts: { sample: number }): Promise<VerifyResult>;
  /** The vault's erasure ledger; absent means no item is erased. */
  erased?(): Promise<ErasureLedgerView>;
  close?(): Promise<void>;
}

export type OpenVault = (conn: VaultConnection, recoveryKey: string) => Promise<RestoreVault>;

/** Every version of the audit objects in the bucket (`verify-audit`); no recovery key needed. */
export type ReadAuditObjects = (conn: VaultConnection) => Promise<AuditObjects>;

export interface RestoreIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The environment holdfast-restore may read (see main.ts): credentials and the recovery key. */
  env: Record<string, string | undefined>;
  /** Asks for the recovery key when neither flag nor environment has it; undefined when there is no terminal. */
  prompt?: (question: string) => Promise<string>;
  openVault: OpenVault;
  /** Absent in tests that do not verify audit digests. */
  readAuditObjects?: ReadAuditObjects;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Bad arguments or missing settings: exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the user can act on (wrong key, unknown snapshot, unreachable endpoint): exit 1, message as is. */
export class RestoreError extends Error {
  override name = "RestoreError";
}
