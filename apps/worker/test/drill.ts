// Shared by the reliability drills (src/*-drill.int.test.ts): a Google source on the in-process
// sandbox, a seeded RNG, and the end-state check "every item present exactly once" — the catalogue
// and the vault against each other and against the sandbox's ground truth, bytes included.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "@holdfast/db";
import type { TestDatabase } from "@holdfast/db/testing";
import type { ServiceAccountKeyFile, TenantSummary } from "@holdfast/sandbox";
import { providersConfig } from "@holdfast/config";
import { listUnits, registerSource, setUnitProtection, signUp, systemContext, type TenantContext } from "@holdfast/services";
import { openTenantVault, provisionTenantVault } from "@holdfast/services/vaults";
import type { Vault } from "@holdfast/vault";
import { ActivityNotFoundError, type Client } from "@temporalio/client";
import { expect } from "vitest";
import { createBackupPorts } from "../src/backup-ports";

/** mulberry32: small, seedable, good enough to pick kill points and delays. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** DRILL_SEED from the environment (to replay a failure), else a fresh one; always printed. */
export function drillSeed(name: string): number {
  const fromEnv = process.env.DRILL_SEED;
  const seed = fromEnv ? Number(fromEnv) : randomBytes(4).readUInt32BE(0) >>> 1;
  if (!Number.isInteger(seed)) throw new Error(`DRILL_SEED must be an integer, got ${fromEnv}`);
  console.log(`[${name}] seed ${seed} (replay with DRILL_SEED=${seed})`);
  return seed;
}

export function controlClient(url: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
export type Control = ReturnType<typeof controlClient>;

/** The parts of the sandbox's Google manifest the drills compare with (see apps/sandbox/README.md). */
export interface GoogleManifest {
  units: { id: string; email: string; items: { id: string; sha256: string }[] }[];
  drives: { id: string; kind: "myDrive" | "sharedDrive"; email?: string; items: { id: string; mimeType: string; trashed: boolean; sha256?: string; sha256Of?: string }[] }[];
}

export interface GoogleSource {
  tenantId: string;
  sourceId: string;
  owner: TenantContext;
  sandboxTenant: TenantSummary;
}

/** A Holdfast organisation with its vault; the owner's context. */
export async function newOrganisation(db: TestDatabase): Promise<TenantContext> {
  const { userId, organization } = await signUp(db.app.db, { email: `drill-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Drill Ltd" });
  const owner: TenantContext = { db: db.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  await provisionTenantVault(owner);
  return owner;
}

/** A Holdfast organisation with a vault and a Google source for a fresh sandbox tenant. */
export async function googleSource(db: TestDatabase, control: Control, tenant: Record<string, unknown>): Promise<GoogleSource> {
  const sandboxTenant = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", ...tenant });
  const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${sandboxTenant.id}/service-accounts`, {});
  const owner = await newOrganisation(db);
  const source = await registerSource(owner, { provider: "google", displayName: sandboxTenant.domain, credentials: { serviceAccountKey: JSON.stringify(key), adminEmail: sandboxTenant.adminEmail } });
  return { tenantId: owner.tenantId, sourceId: source.id, owner, sandboxTenant };
}

/**
 * Discovers the source's units now (as the worker would) and has the admin exclude those of
 * `kinds` from backups — what a customer does for a service they do not want protected.
 */
export async function excludeUnitKinds(db: TestDatabase, src: GoogleSource, sandboxUrl: string, kinds: readonly string[]): Promise<number> {
  const ports = createBackupPorts({ db: db.worker.db, workerId: "drill-setup", providers: providersConfig({ HOLDFAST_PROVIDERS: "sandbox", SANDBOX_URL: sandboxUrl }) });
  try {
    const connector = await ports.connector(src.tenantId, src.sourceId);
    await ports.store.syncUnits(src.tenantId, src.sourceId, await connector.discover());
  } finally {
    await ports.close();
  }
  const excluded = (await listUnits(src.owner, src.sourceId)).filter((u) => kinds.includes(u.kind));
  for (const u of excluded) await setUnitProtection(src.owner, u.id, "excluded");
  return excluded.length;
}

async function rows<T>(db: TestDatabase, query: ReturnType<typeof sql>): Promise<T[]> {
  const r = (await db.owner.db.execute(query)) as unknown as { rows: T[] };
  return r.rows;
}

/** Item versions catalogued so far for the source (read as the owner, around RLS). */
export async function cataloguedCount(db: TestDatabase, sourceId: string): Promise<number> {
  const [r] = await rows<{ n: string }>(db, sql`select count(*)::text as n from item_versions iv join units u on u.id = iv.unit_id where u.source_id = ${sourceId}`);
  return Number(r?.n ?? 0);
}

async function sha256Of(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash("sha256");
  for await (const c of chunks) h.update(c);
  return h.digest("hex");
}

export interface UnitRow {
  id: string;
  kind: string;
  external_id: string;
  owner_email: string | null;
}

/**
 * What the ground truth says a unit must hold: external id → content SHA-256 (undefined = presence
 * only), compared with the vault's items of `kinds` (all when absent); undefined = not compared.
 */
export type Truth = (unit: UnitRow) => { items: Map<string, string | undefined>; kinds?: readonly string[] } | undefined;

/** Gmail mailboxes and Drives as the sandbox's Google manifest has them. */
export const googleTruth = (manifest: GoogleManifest): Truth => (unit) => {
  if (unit.kind === "gmail") {
    const u = manifest.units.find((m) => m.email.toLowerCase() === unit.owner_email?.toLowerCase());
    return u ? { items: new Map(u.items.map((i) => [i.id, i.sha256])) } : undefined;
  }
  const drive =
    unit.kind === "drive"
      ? manifest.drives.find((d) => d.kind === "myDrive" && d.email?.toLowerCase() === unit.owner_email?.toLowerCase())
      : unit.kind === "shared-drive"
        ? manifest.drives.find((d) => d.kind === "sharedDrive" && d.id === unit.external_id)
        : undefined;
  if (!drive) return undefined;
  // Trashed files are not backed up (the connector lists `trashed = false`); natives are exported
  // to Office formats, so only binary content (`sha256Of: "content"`) is compared byte for byte.
  return { items: new Map(drive.items.filter((i) => !i.trashed).map((i) => [i.id, i.sha256Of === "content" ? i.sha256 : undefined])) };
};

/** The parts of the sandbox's Microsoft manifest the drills compare with. */
export interface MicrosoftManifest {
  units: { email: string; items: { id: string; sha256: string }[]; drive?: { id: string; items: { id: string; sha256: string }[] } }[];
}

/** Exchange mailboxes (messages) and OneDrives (files) as the sandbox's Microsoft manifest has them; folders are not in it. */
export const microsoftTruth = (manifest: MicrosoftManifest): Truth => (unit) => {
  const u = manifest.units.find((m) => m.email.toLowerCase() === unit.owner_email?.toLowerCase());
  if (unit.kind === "exchange") return u ? { items: new Map(u.items.map((i) => [i.id, i.sha256])), kinds: ["message"] } : undefined;
  if (unit.kind === "onedrive") return u?.drive ? { items: new Map(u.drive.items.map((i) => [i.id, i.sha256])), kinds: ["file"] } : undefined;
  return undefined;
};

export interface ExactlyOnceReport {
  units: number;
  items: number;
  bytesChecked: number;
  vaultSnapshots: number;
}

/**
 * The end state a backup run must leave, whatever happened during it:
 * - the run is recorded as `completed`, with no issues, and every unit's catalogue snapshot of the run is committed;
 * - per unit, the run's vault snapshot lists each item exactly once, and the catalogue's current
 *   items are exactly those (same external ids, same content hashes), each with a single version;
 * - every catalogued version points at an item that exists in the vault with that hash;
 * - the units `truthOf` knows (mailboxes, drives) hold exactly the sandbox's items, and the bytes
 *   read back from the vault hash to the ground truth where it has a content hash;
 * - every committed catalogue snapshot of the tenant has its vault snapshot, and every vault
 *   snapshot decodes (nothing half-written).
 */
export async function expectEveryItemOnce(db: TestDatabase, src: { tenantId: string; sourceId: string }, runId: string, truthOf: Truth): Promise<ExactlyOnceReport> {
  const run = await rows<{ status: string; finished_at: Date | null; issue_count: number }>(db, sql`select status, finished_at, issue_count from backup_runs where id = ${runId}`);
  expect(run[0]).toMatchObject({ status: "completed", issue_count: 0 });
  expect(run[0]?.finished_at).not.toBeNull();
  const issues = await rows<{ message: string }>(db, sql`select message from run_issues where run_id = ${runId}`);
  expect(issues.map((i) => i.message)).toEqual([]);

  const units = await rows<UnitRow>(
    db,
    sql`select id, kind, external_id, owner_email from units where source_id = ${src.sourceId} and protection <> 'excluded' and state <> 'gone' order by kind, owner_email`,
  );
  expect(units.length).toBeGreaterThan(0);
  const vault: Vault = await openTenantVault(systemContext(db.app.db, src.tenantId, "drill-check"), "reader");
  const report: ExactlyOnceReport = { units: units.length, items: 0, bytesChecked: 0, vaultSnapshots: 0 };
  try {
    let truthUnits = 0;
    for (const unit of units) {
      const what = `${unit.kind} ${unit.owner_email ?? unit.external_id}`;
      const snaps = await rows<{ status: string; vault_snapshot_id: string | null }>(db, sql`select status, vault_snapshot_id from snapshots where unit_id = ${unit.id} and run_id = ${runId}`);
      expect(snaps, `${what}: one catalogue snapshot for the run`).toHaveLength(1);
      const snap = snaps[0];
      expect(snap?.status, `${what}: snapshot committed`).toBe("committed");
      const vaultSnapshotId = snap?.vault_snapshot_id ?? "";
      expect(vaultSnapshotId).toMatch(/^[0-9a-f]{64}$/);

      // The vault: each item once.
      const stored = new Map<string, { path: string; sha256: string; kind: string }>();
      const duplicates: string[] = [];
      for (const item of (await vault.readSnapshot(vaultSnapshotId)).items) {
        const meta = item.meta as { externalId?: string; sha256?: string; kind?: string };
        if (typeof meta.externalId !== "string") continue;
        if (stored.has(meta.externalId)) duplicates.push(meta.externalId);
        stored.set(meta.externalId, { path: item.path, sha256: meta.sha256 ?? "", kind: meta.kind ?? "" });
      }
      expect(duplicates, `${what}: items listed twice in vault snapshot ${vaultSnapshotId}`).toEqual([]);

      // The catalogue: the current items are the vault's, each with one version and the same hash.
      const catalogued = await rows<{ external_id: string; versions: string; open_sha: string | null; open_count: string; vault_snapshot_id: string | null; vault_path: string | null; deleted: boolean }>(
        db,
        sql`select i.external_id, count(v.id)::text as versions, count(v.id) filter (where v.superseded_at is null)::text as open_count,
                   max(v.content_sha256) filter (where v.superseded_at is null) as open_sha,
                   max(v.vault_snapshot_id) filter (where v.superseded_at is null) as vault_snapshot_id,
                   max(v.vault_path) filter (where v.superseded_at is null) as vault_path,
                   (i.deleted_at is not null) as deleted
            from items i join item_versions v on v.item_id = i.id
            where i.unit_id = ${unit.id} group by i.id`,
      );
      const live = catalogued.filter((c) => !c.deleted);
      expect(new Set(live.map((c) => c.external_id)), `${what}: catalogue current items = vault snapshot items`).toEqual(new Set(stored.keys()));
      expect(live.filter((c) => c.versions !== "1" || c.open_count !== "1").map((c) => `${c.external_id}: ${c.versions} versions`), `${what}: one version per item`).toEqual([]);
      expect(live.filter((c) => c.open_sha !== stored.get(c.external_id)?.sha256).map((c) => c.external_id), `${what}: catalogue hash = vault hash`).toEqual([]);
      // Every catalogued version points at an item the vault holds, with that hash (segments' snapshots included).
      for (const c of live) {
        const at = await vault.getItem(c.vault_snapshot_id ?? "", c.vault_path ?? "");
        expect((at.meta as { sha256?: string }).sha256, `${what}: ${c.external_id} at ${c.vault_snapshot_id}:${c.vault_path}`).toBe(c.open_sha);
      }
      report.items += stored.size;

      // The ground truth, bytes included.
      const truth = truthOf(unit);
      if (truth) {
        truthUnits++;
        const kinds = truth.kinds;
        const compared = [...stored].filter(([, s]) => !kinds || kinds.includes(s.kind)).map(([id]) => id);
        expect(truth.items.size, `${what}: the sandbox holds items`).toBeGreaterThan(0);
        expect(new Set(compared), `${what}: vault items = the sandbox's`).toEqual(new Set(truth.items.keys()));
        const withContent = [...truth.items].filter((e): e is [string, string] => e[1] !== undefined);
        for (const [id, sha] of withContent) expect(stored.get(id)?.sha256, `${what}: ${id} hash`).toBe(sha);
        // Read back 8 at a time.
        for (let i = 0; i < withContent.length; i += 8) {
          const batch = withContent.slice(i, i + 8);
          const read = await Promise.all(batch.map(([id]) => sha256Of(vault.readItem(vaultSnapshotId, stored.get(id)?.path ?? ""))));
          expect(read, `${what}: bytes read back`).toEqual(batch.map(([, sha]) => sha));
        }
        report.bytesChecked += withContent.length;
      }
    }
    expect(truthUnits, "mail and Drive units compared with the ground truth").toBeGreaterThan(0);

    // Nothing half-written: every committed catalogue snapshot has its vault snapshot, and every vault snapshot decodes.
    const committed = await rows<{ vault_snapshot_id: string | null }>(db, sql`select vault_snapshot_id from snapshots where tenant_id = ${src.tenantId} and status = 'committed'`);
    const inVault = new Set(await vault.listSnapshotIds());
    for (const c of committed) expect(inVault.has(c.vault_snapshot_id ?? ""), `committed snapshot ${c.vault_snapshot_id} is in the vault`).toBe(true);
    const unitIds = new Set(units.map((u) => u.id));
    for (const id of inVault) expect(unitIds.has((await vault.readSnapshot(id)).unit), `vault snapshot ${id} decodes and belongs to a unit of the source`).toBe(true);
    report.vaultSnapshots = inVault.size;
    const open = await rows<{ n: string }>(db, sql`select count(*)::text as n from snapshots where tenant_id = ${src.tenantId} and status <> 'committed'`);
    expect(open[0]?.n, "no catalogue snapshot left open or failed").toBe("0");
  } finally {
    await vault.close();
  }
  return report;
}

/** PendingActivityState.STARTED: a worker took the attempt and has not answered. */
const PENDING_ACTIVITY_STARTED = 2;

/**
 * After the only worker was SIGKILLed, every STARTED activity attempt of the run's workflows is an
 * attempt nobody will finish. Temporal finds that out by itself at the heartbeat timeout (2 min
 * for segments) or start-to-close (1 min for short activities); the drill fails such attempts by
 * id instead (what `temporal activity fail` does), which is the same for the workflow: a failed
 * attempt, retried under its retry policy. Returns how many attempts were cut.
 */
export async function failOrphanedAttempts(client: Client, rootWorkflowId: string): Promise<{ activityType: string; workflowId: string }[]> {
  const cut: { activityType: string; workflowId: string }[] = [];
  const root = await client.workflow.getHandle(rootWorkflowId).describe();
  const ids = [rootWorkflowId, ...(root.raw.pendingChildren ?? []).map((c) => c.workflowId ?? "").filter((id) => id !== "")];
  for (const workflowId of ids) {
    const d = workflowId === rootWorkflowId ? root : await client.workflow.getHandle(workflowId).describe();
    for (const a of d.raw.pendingActivities ?? []) {
      if (Number(a.state) !== PENDING_ACTIVITY_STARTED || !a.activityId) continue;
      try {
        await client.activity.fail({ workflowId, activityId: a.activityId }, new Error("drill: the worker running this attempt was killed (SIGKILL)"));
        cut.push({ activityType: a.activityType?.name ?? "?", workflowId });
      } catch (e) {
        // Timed out or retried in between: nothing left to cut. Anything else is a real failure.
        if (!(e instanceof ActivityNotFoundError)) throw e;
      }
    }
  }
  return cut;
}
