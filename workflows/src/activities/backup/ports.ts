// What the backup activities need from the rest of the system, as narrow interfaces: the worker
// wires them to @holdfast/services (catalogue, sources), the tenant's vault and the connectors.
// Every method is tenant-scoped; implementations run inside the tenant's RLS context.
import type { DiscoveredUnit, ItemKind, SourceConnector } from "@holdfast/connectors";
import type { Vault } from "@holdfast/vault";
import type { IssueCode, RunStatus, RunTrigger, SegmentStats } from "../../contracts";

export interface UnitState {
  unitId: string;
  sourceId: string;
  unit: DiscoveredUnit;
  /** The vault snapshot of the unit's last committed segment (the parent of the next), if any. */
  lastSnapshot: string | null;
  /** The change cursor kept after the last completed enumeration; null = enumerate everything. */
  cursor: string | null;
}

/** One item version as the catalogue records it. */
export interface VersionRecord {
  externalId: string;
  kind: ItemKind;
  version: string;
  path: string;
  name: string;
  parentExternalId?: string;
  size: number;
  /** Hex SHA-256 of the stored content (empty content for folders). */
  contentSha256: string;
  /** The item's path inside `vaultSnapshotId`. */
  vaultPath: string;
  modifiedAt?: string;
  metadata: Record<string, unknown>;
}

export interface IssueRecord {
  externalId: string | null;
  path: string | null;
  code: IssueCode;
  message: string;
}

export interface SegmentRecord {
  tenantId: string;
  unitId: string;
  runId: string;
  vaultSnapshotId: string;
  /** Set on the unit's last segment of the run: the snapshot is the run's, the cursor is kept. */
  final: boolean;
  cursor: string | null;
  capturedAt: Date;
  retainUntil: Date;
  versions: VersionRecord[];
  /** External ids of items that no longer exist at the provider. */
  deleted: string[];
  issues: IssueRecord[];
  stats: SegmentStats;
}

export interface BackupStore {
  /** Upserts what discovery found; units not found any more are marked gone (never deleted). */
  syncUnits(tenantId: string, sourceId: string, discovered: DiscoveredUnit[]): Promise<void>;
  /** Units of the source that are protected now (optionally only those listed). */
  protectedUnitIds(tenantId: string, sourceId: string, only?: string[]): Promise<string[]>;
  startRun(tenantId: string, sourceId: string, input: { trigger: RunTrigger; workflowId: string; unitIds?: string[] }): Promise<string>;
  unitState(tenantId: string, unitId: string): Promise<UnitState>;
  /** Records a committed segment in one transaction; idempotent for the same vault snapshot. */
  recordSegment(record: SegmentRecord): Promise<void>;
  recordIssue(tenantId: string, runId: string, unitId: string | null, issue: IssueRecord): Promise<void>;
  finishRun(tenantId: string, runId: string, input: { status: RunStatus; summary: string; stats: SegmentStats }): Promise<void>;
  /** The retain-until date for a snapshot of the unit taken at `at` (the policy in force). */
  retainUntil(tenantId: string, unitId: string, at: Date): Promise<Date>;
}

export interface BackupPorts {
  store: BackupStore;
  /** The source's connector, its credentials loaded and decrypted here, never passed around. */
  connector(tenantId: string, sourceId: string): Promise<SourceConnector>;
  /** The tenant's vault opened with the writer identity. */
  vault(tenantId: string): Promise<Vault>;
  now?: () => Date;
}
