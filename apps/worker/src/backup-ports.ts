// The backup activities' ports, wired to the real system: the catalogue and sources services
// (as the tenant's `system` actor, under RLS), the tenant's vault opened with the writer identity,
// and the connectors built from each source's sealed credentials and the providers' endpoints.
import { providerAppsConfig, providersConfig } from "@holdfast/config";
import { Throttle, type DiscoveredUnit, type LimiterStore, type SourceConnector, type UnitKind } from "@holdfast/connectors";
import { createGoogleConnector, type GoogleConnectorOptions } from "@holdfast/connectors/google";
import { createMicrosoftConnector } from "@holdfast/connectors/microsoft";
import type { Database } from "@holdfast/db";
import {
  commitSnapshot,
  finishRun,
  finishRestoreJob,
  getBackupUnit,
  nextRestoreBatch,
  recordRestoreOutcomes,
  startRestoreJob,
  listUnits,
  loadSourceConnection,
  markDeleted,
  openSnapshot,
  PgLimiterStore,
  recordRunIssues,
  recordVersions,
  setUnitCursor,
  snapshotRetainUntil,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type BackupUnit,
  type RunIssueInput,
} from "@holdfast/services";
import { openTenantVault } from "@holdfast/services/vaults";
import type { Vault } from "@holdfast/vault";
import { restoreWorkflowId } from "@holdfast/workflows/contracts";
import type { BackupPorts, BackupStore, IssueRecord, RestorePorts, RestoreStore, SegmentRecord } from "@holdfast/workflows/activities";
import { Agent } from "undici";

const BATCH = 500;

function issueInput(unitId: string | null, i: IssueRecord): RunIssueInput {
  // The catalogue's reasons are the capture failures; a resync is not one, and says so in the message.
  const reason = i.code === "resync" ? "failed" : i.code;
  return {
    ...(unitId ? { unitId } : {}),
    ...(i.externalId ? { itemExternalId: i.externalId } : {}),
    ...(i.path ? { path: i.path } : {}),
    reason,
    message: i.code === reason ? i.message : `${i.code}: ${i.message}`,
  };
}

/** A catalogue unit as the connectors know it. */
function discovered(u: BackupUnit): DiscoveredUnit {
  return {
    key: `${u.kind}:${u.externalId}`,
    kind: u.kind as UnitKind,
    externalId: u.externalId,
    displayName: u.displayName,
    ...(u.ownerEmail ? { owner: { externalId: u.ownerExternalId ?? "", email: u.ownerEmail, state: u.state === "suspended" ? "suspended" : u.state === "active" ? "active" : "deleted" } } : {}),
    ...(Object.keys(u.attributes).length > 0 ? { attributes: u.attributes } : {}),
  };
}

export function createRestoreStore(db: Database, workerId: string): RestoreStore {
  const ctx = (tenantId: string) => systemContext(db, tenantId, workerId);
  return {
    async job(tenantId, restoreId) {
      const job = await startRestoreJob(ctx(tenantId), restoreId, restoreWorkflowId(restoreId));
      const target = await getBackupUnit(ctx(tenantId), job.targetUnitId);
      return { restoreId, sourceId: job.sourceId, target: discovered(target), conflict: job.conflict, copyFolder: job.copyFolder };
    },
    nextBatch: (tenantId, restoreId, cursor, limit) => nextRestoreBatch(ctx(tenantId), restoreId, cursor, limit),
    async recordOutcomes(tenantId, restoreId, results) {
      await recordRestoreOutcomes(
        ctx(tenantId),
        restoreId,
        results.map((r) => ({
          vaultSnapshotId: r.vaultSnapshotId,
          vaultPath: r.vaultPath,
          ...(r.itemId !== undefined ? { itemId: r.itemId } : {}),
          externalId: r.externalId,
          path: r.path,
          outcome: r.outcome,
          ...(r.newExternalId !== undefined ? { newExternalId: r.newExternalId } : {}),
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
        })),
      );
    },
    async finish(tenantId, restoreId, status, summary) {
      await finishRestoreJob(ctx(tenantId), restoreId, status, summary);
    },
  };
}

export function createBackupStore(db: Database, workerId: string): BackupStore {
  const ctx = (tenantId: string) => systemContext(db, tenantId, workerId);
  return {
    async syncUnits(tenantId, sourceId, discovered) {
      await syncDiscoveredUnits(ctx(tenantId), {
        sourceId,
        units: discovered.map((u) => ({
          kind: u.kind,
          externalId: u.externalId,
          displayName: u.displayName,
          ...(u.owner ? { owner: { externalId: u.owner.externalId, email: u.owner.email, state: u.owner.state } } : {}),
          ...(u.attributes ? { attributes: u.attributes } : {}),
        })),
      });
    },
    async protectedUnitIds(tenantId, sourceId, only) {
      const units = await listUnits(ctx(tenantId), sourceId);
      const wanted = only ? new Set(only) : null;
      return units.filter((u) => (wanted ? wanted.has(u.id) && u.state !== "gone" : u.protected)).map((u) => u.id);
    },
    async startRun(tenantId, sourceId, input) {
      const run = await startRun(ctx(tenantId), { sourceId, trigger: input.trigger, workflowId: input.workflowId, ...(input.unitIds?.length === 1 ? { unitId: input.unitIds[0] } : {}) });
      return run.id;
    },
    async unitState(tenantId, unitId) {
      const u = await getBackupUnit(ctx(tenantId), unitId);
      return { unitId, sourceId: u.sourceId, unit: discovered(u), lastSnapshot: u.lastVaultSnapshotId, cursor: u.cursor };
    },
    async recordSegment(r: SegmentRecord) {
      const c = ctx(r.tenantId);
      const snap = await openSnapshot(c, { unitId: r.unitId, runId: r.runId });
      for (let i = 0; i < r.versions.length; i += BATCH) {
        await recordVersions(
          c,
          snap.id,
          r.versions.slice(i, i + BATCH).map((v) => ({
            externalId: v.externalId,
            kind: v.kind,
            version: v.version,
            path: v.path.startsWith("/") ? v.path : `/${v.path}`,
            name: v.name,
            size: v.size,
            contentSha256: v.contentSha256,
            vault: { snapshotId: r.vaultSnapshotId, path: v.vaultPath },
            metadata: v.metadata,
            ...(v.modifiedAt ? { modifiedAt: v.modifiedAt } : {}),
          })),
          r.capturedAt,
        );
      }
      for (let i = 0; i < r.deleted.length; i += BATCH) await markDeleted(c, snap.id, r.deleted.slice(i, i + BATCH), r.capturedAt);
      for (let i = 0; i < r.issues.length; i += BATCH) await recordRunIssues(c, r.runId, r.issues.slice(i, i + BATCH).map((x) => issueInput(r.unitId, x)));
      if (r.final) {
        await commitSnapshot(c, snap.id, { vaultSnapshotId: r.vaultSnapshotId, retainUntil: r.retainUntil });
        await setUnitCursor(c, r.unitId, r.cursor);
      }
    },
    async recordIssue(tenantId, runId, unitId, issue) {
      await recordRunIssues(ctx(tenantId), runId, [issueInput(unitId, issue)]);
    },
    async finishRun(tenantId, runId, input) {
      // The run's items/bytes were counted as each segment's versions were recorded (its live
      // progress, exactly once per version); the final figures are those, not re-derived here.
      await finishRun(ctx(tenantId), runId, {
        outcome: input.status === "failed" ? "failed" : input.status === "cancelled" ? "cancelled" : "finished",
        ...(input.status === "completed" ? {} : { errorSummary: input.summary.slice(0, 4000) }),
      });
    },
    // The tenant's retention policy in force now (docs/adr/0018-retention-policies.md).
    retainUntil: (tenantId, unitId, at) => snapshotRetainUntil(ctx(tenantId), unitId, at),
  };
}

export interface BackupPortsOptions {
  db: Database;
  workerId: string;
  /** Provider limits; default: shared by every worker through Postgres, per tenant (PgLimiterStore). */
  limiter?: LimiterStore;
  /** Where the providers are (default: providersConfig() from the environment). */
  providers?: ReturnType<typeof providersConfig>;
  /** PEM of a CA to trust for Graph; in sandbox mode the sandbox's own certificate is fetched. */
  graphCa?: string;
  /** Google connector pacing (default: the documented quotas, e.g. 15,000 Gmail units per user per minute); benchmarks match a lowered sandbox budget. */
  googleLimits?: Pick<GoogleConnectorOptions, "gmailUnitsPerUserPerMinute" | "concurrencyPerUser">;
}

export interface ClosableBackupPorts extends BackupPorts {
  /** The restore activities' ports: same connectors, the vault opened with the reader identity. */
  restore: RestorePorts;
  close(): Promise<void>;
}

/** Fetches the sandbox's TLS certificate (sandbox mode only: the provider endpoints are ours). */
export async function sandboxCa(sandboxUrl: string): Promise<string> {
  const res = await fetch(`${sandboxUrl}/_control/tls/cert.pem`);
  if (!res.ok) throw new Error(`cannot read the sandbox certificate from ${sandboxUrl}: HTTP ${res.status}`);
  return res.text();
}

export function createBackupPorts(opts: BackupPortsOptions): ClosableBackupPorts {
  const providers = opts.providers ?? providersConfig();
  const throttles = new Map<string, Throttle>();
  const throttleFor = (tenantId: string): Throttle => {
    let t = throttles.get(tenantId);
    if (!t) {
      t = new Throttle({ store: opts.limiter ?? new PgLimiterStore(opts.db, tenantId) });
      throttles.set(tenantId, t);
    }
    return t;
  };
  let agent: Promise<Agent | undefined> | undefined;
  const graphAgent = (): Promise<Agent | undefined> => {
    agent ??= (async () => {
      const ca = opts.graphCa ?? (providers.sandboxUrl ? await sandboxCa(providers.sandboxUrl) : undefined);
      return ca ? new Agent({ connect: { ca } }) : undefined;
    })();
    agent.catch(() => (agent = undefined));
    return agent;
  };
  const vaults = new Map<string, Promise<Vault>>();
  const openVault = (tenantId: string, role: "writer" | "reader"): Promise<Vault> => {
    const key = `${role}:${tenantId}`;
    let v = vaults.get(key);
    if (!v) {
      v = openTenantVault(ctx(tenantId), role);
      // A failed open is not cached: the next activity tries again.
      v.catch(() => vaults.delete(key));
      vaults.set(key, v);
    }
    return v;
  };
  const ctx = (tenantId: string) => systemContext(opts.db, tenantId, opts.workerId);

  const connector = async (tenantId: string, sourceId: string): Promise<SourceConnector> => {
    const { provider, credentials } = await loadSourceConnection(ctx(tenantId), sourceId);
    switch (provider) {
      case "google":
        return createGoogleConnector({
          serviceAccountKey: credentials.serviceAccountKey as string,
          adminEmail: String(credentials.adminEmail),
          rootUrl: providers.google.rootUrl,
          tokenUrl: providers.google.tokenUrl,
          ...opts.googleLimits,
          throttle: throttleFor(tenantId),
        });
      case "microsoft": {
        const dispatcher = await graphAgent();
        return createMicrosoftConnector({
          tenantId: String(credentials.tenantId),
          clientId: String(credentials.clientId),
          // Sources connected through admin consent store no secret: they use the platform app's.
          clientSecret: typeof credentials.clientSecret === "string" ? credentials.clientSecret : providerAppsConfig().microsoft.clientSecret,
          endpoints: providers.microsoft,
          ...(dispatcher ? { dispatcher } : {}),
          throttle: throttleFor(tenantId),
        });
      }
      default:
        throw new Error(`no connector for ${provider} sources yet`);
    }
  };

  return {
    store: createBackupStore(opts.db, opts.workerId),
    connector,
    vault: (tenantId) => openVault(tenantId, "writer"),
    restore: { store: createRestoreStore(opts.db, opts.workerId), connector, readVault: (tenantId) => openVault(tenantId, "reader") },
    async close() {
      const open = [...vaults.values()];
      vaults.clear();
      await Promise.allSettled(open.map(async (p) => (await p).close()));
      const a = await agent?.catch(() => undefined);
      await a?.close();
    },
  };
}
