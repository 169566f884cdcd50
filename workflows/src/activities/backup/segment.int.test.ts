// runSegment end to end, without Temporal: the real Google connector against an in-process
// sandbox, a real vault on the local versitygw. Checks the snapshot chain against the sandbox's
// manifest: first full run in several segments, an incremental run after mutations, a resync.
import { randomUUID } from "node:crypto";
import { MemoryLimiterStore, Throttle, type DiscoveredUnit, type SourceConnector } from "@holdfast/connectors";
import { createGoogleConnector } from "@holdfast/connectors/google";
import { createSandbox, type Sandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import { initVault, LocalKms, type Vault } from "@holdfast/vault";
import { createTestBucket, type TestBucket } from "@holdfast/vault/testing";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_STATS, type UnitProgress } from "../../contracts";
import { restoreItems } from "../restore/restore-items";
import { runSegment, type SegmentEnv, type SegmentOutcome } from "./segment";

interface MailManifest {
  units: { email: string; items: { id: string; sha256: string; size: number }[] }[];
  drives: { id: string; kind: string; email?: string; items: { id: string; mimeType: string; trashed?: boolean; sha256?: string }[] }[];
}

let sandbox: Sandbox;
let url: string;
let tenant: TenantSummary;
let connector: SourceConnector;
let bucket: TestBucket;
let vault: Vault;
let unit: DiscoveredUnit;
let drive: DiscoveredUnit;

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const truth = async (): Promise<Map<string, string>> => {
  const m = await control<MailManifest>("GET", `/_control/tenants/${tenant.id}/manifest`);
  return new Map((m.units.find((u) => u.email === unit.owner?.email)?.items ?? []).map((i) => [i.id, i.sha256]));
};

function env(): SegmentEnv {
  return {
    connector: connector.unit("gmail"),
    vault,
    unit,
    source: "source-1",
    unitId: "unit-1",
    retainUntil: new Date(Date.now() + 60_000),
    now: Date.now,
    newEnumerationId: randomUUID,
    pageSize: 5,
  };
}

/** Runs segments until the listing is done; returns every outcome. */
async function runAll(progress: UnitProgress, maxItems: number): Promise<{ outcomes: SegmentOutcome[]; progress: UnitProgress }> {
  const outcomes: SegmentOutcome[] = [];
  for (;;) {
    const o = await runSegment(env(), progress, { maxItems, maxMs: 60_000 });
    outcomes.push(o);
    progress = o.progress;
    if (o.done) return { outcomes, progress };
    if (outcomes.length > 50) throw new Error("segments do not converge");
  }
}

/** The snapshot's messages: provider id → SHA-256 of the bytes the vault gives back. */
async function snapshotContents(id: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const item of (await vault.readSnapshot(id)).items) {
    const h = createHash("sha256");
    for await (const chunk of vault.readItem(id, item.path)) h.update(chunk);
    out.set(String(item.meta.externalId), h.digest("hex"));
  }
  return out;
}

beforeAll(async () => {
  sandbox = await createSandbox();
  url = await sandbox.listen({ port: 0 });
  tenant = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", seed: 907, users: 2, itemsPerUser: 24 });
  const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${tenant.id}/service-accounts`, {});
  connector = createGoogleConnector({
    serviceAccountKey: JSON.stringify(key),
    adminEmail: tenant.adminEmail,
    rootUrl: `${url}/`,
    tokenUrl: `${url}/google/token`,
    throttle: new Throttle({ store: new MemoryLimiterStore(), maxWaitMs: 30_000 }),
    // The manifest hashes native documents through these exports.
    exportFormats: { "application/vnd.google-apps.document": "text/plain", "application/vnd.google-apps.spreadsheet": "text/csv" },
  });
  const units = await connector.discover();
  const first = units.find((u) => u.kind === "gmail");
  const myDrive = units.find((u) => u.kind === "drive" && u.owner?.email === first?.owner?.email);
  if (!first || !myDrive) throw new Error("no gmail or drive unit discovered");
  unit = first;
  drive = myDrive;
  bucket = await createTestBucket({ prefix: "segments", identities: false });
  vault = (await initVault(bucket.writer, { kms: new LocalKms(new Uint8Array(32).fill(7)), retention: { retainUntil: new Date(Date.now() + 60_000) }, workers: 0 })).vault;
}, 60_000);

afterAll(async () => {
  await vault?.close();
  await sandbox?.close();
  await bucket?.cleanup();
});

describe("a unit's backup in segments", () => {
  let progress: UnitProgress;

  it("a first run lists every message once, in several committed segments, and the last snapshot holds them byte for byte", async () => {
    const start: UnitProgress = { parent: null, cursor: null, full: true, enumeration: randomUUID(), stats: EMPTY_STATS, segments: 0 };
    const { outcomes, progress: p } = await runAll(start, 10);
    progress = p;
    expect(outcomes.length).toBeGreaterThan(1);
    const expected = await truth();
    const recorded = outcomes.flatMap((o) => o.versions);
    expect(new Map(recorded.map((v) => [v.externalId, v.contentSha256]))).toEqual(expected);
    expect(recorded).toHaveLength(expected.size); // each message stored once, not once per segment
    expect(outcomes.flatMap((o) => o.issues)).toEqual([]);
    expect(await snapshotContents(p.parent ?? "")).toEqual(expected);
    expect(p.full).toBe(false);
    expect(p.cursor).not.toBeNull();
  });

  it("an incremental run after edits, deletions and new mail records exactly those and nothing else", async () => {
    const touched: { touched: { id: string; unit?: string }[] }[] = [];
    for (const kind of ["edit", "delete", "create"]) {
      touched.push(await control("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, fraction: 0.2, seed: 3, units: [unit.owner?.email] }));
    }
    const { outcomes, progress: p } = await runAll(progress, 1000);
    const expected = await truth();
    expect(await snapshotContents(p.parent ?? "")).toEqual(expected);
    const deleted = new Set(outcomes.flatMap((o) => o.deleted));
    const versions = outcomes.flatMap((o) => o.versions);
    const touchedIds = new Set(touched.flatMap((t) => t.touched.map((x) => x.id)));
    expect(deleted.size + versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(touchedIds.has(v.externalId) || !progress.parent).toBe(true);
    for (const id of deleted) expect(expected.has(id)).toBe(false);
    // Unchanged messages were carried over, not read again.
    expect(outcomes.reduce((n, o) => n + o.stats.stored, 0)).toBeLessThan(expected.size / 2);
    progress = p;
  });

  it("when the provider forgets the cursor, a full re-enumeration finds the same state and deletes what is gone", async () => {
    await control("POST", `/_control/tenants/${tenant.id}/expire-history`, {});
    await control("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "delete", fraction: 0.2, seed: 11, units: [unit.owner?.email] });
    const { outcomes, progress: p } = await runAll(progress, 8);
    const expected = await truth();
    expect(await snapshotContents(p.parent ?? "")).toEqual(expected);
    expect(outcomes.flatMap((o) => o.deleted).length).toBeGreaterThan(0);
    // A re-enumeration reads nothing again: every unchanged message is carried.
    expect(outcomes.reduce((n, o) => n + o.stats.stored, 0)).toBe(0);
    progress = p;
  });

  it("deleted messages restored from the last snapshot are back at the provider, byte for byte, and a second restore skips them", async () => {
    const before = await truth();
    const snapshot = progress.parent ?? "";
    const res = await control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "delete", fraction: 0.3, seed: 21, units: [unit.owner?.email] });
    const gone = new Set(res.touched.map((t) => t.id));
    expect(gone.size).toBeGreaterThan(0);
    const items = (await vault.readSnapshot(snapshot)).items.filter((i) => gone.has(String(i.meta.externalId)));
    expect(items).toHaveLength(gone.size);
    const refs = items.map((i) => ({ vaultSnapshotId: snapshot, vaultPath: i.path }));
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    const results = await restoreItems({ connector: connector.unit("gmail"), vault, target }, refs);
    expect(results.map((r) => r.outcome)).toEqual(refs.map(() => "created"));
    const after = await truth();
    expect([...after.values()].sort()).toEqual([...before.values()].sort());
    const again = await restoreItems({ connector: connector.unit("gmail"), vault, target }, refs);
    expect(again.map((r) => r.outcome)).toEqual(refs.map(() => "skipped"));
    expect(again.every((r) => (r.reason ?? "").length > 0)).toBe(true);
  });

  it("a restore reports a reference the snapshot does not hold as failed, naming it", async () => {
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored" };
    const [r] = await restoreItems({ connector: connector.unit("gmail"), vault, target }, [{ vaultSnapshotId: progress.parent ?? "", vaultPath: "INBOX/nope.eml" }]);
    expect(r?.outcome).toBe("failed");
    expect(r?.reason).toContain("INBOX/nope.eml");
  });
});

describe("a drive in segments", () => {
  it("stores every live file byte for byte and every folder as a marker, and re-files a moved file without reading it", async () => {
    const driveEnv = (): SegmentEnv => ({ ...env(), connector: connector.unit("drive"), unit: drive, unitId: "unit-drive" });
    let progress: UnitProgress = { parent: null, cursor: null, full: true, enumeration: randomUUID(), stats: EMPTY_STATS, segments: 0 };
    for (let i = 0; ; i++) {
      const o = await runSegment(driveEnv(), progress, { maxItems: 15, maxMs: 60_000 });
      expect(o.issues).toEqual([]);
      progress = o.progress;
      if (o.done) break;
      if (i > 50) throw new Error("segments do not converge");
    }
    const truth = async () => (await control<MailManifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).drives.find((d) => d.id === drive.externalId || d.email === drive.owner?.email);
    const m = await truth();
    if (!m) throw new Error("drive missing from the manifest");
    const files = new Map(m.items.filter((i) => !i.trashed && i.sha256 !== undefined && i.mimeType !== "application/vnd.google-apps.folder").map((i) => [i.id, i.sha256]));
    const folders = m.items.filter((i) => !i.trashed && i.mimeType === "application/vnd.google-apps.folder").map((i) => i.id);
    const snap = await vault.readSnapshot(progress.parent ?? "");
    const stored = await snapshotContents(progress.parent ?? "");
    for (const [id, sha] of files) expect(stored.get(id)).toBe(sha);
    const markers = snap.items.filter((i) => i.meta.kind === "folder");
    expect(markers.map((i) => String(i.meta.externalId)).sort()).toEqual([...folders].sort());
    expect(markers.every((i) => i.size === 0 && i.path.includes(".holdfast-folder~"))).toBe(true);

    const moved = await control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind: "move", fraction: 0.3, seed: 8, service: "drive", units: [drive.owner?.email] });
    const mime = new Map(m.items.map((i) => [i.id, i.mimeType]));
    const movedNatives = moved.touched.filter((t) => mime.get(t.id)?.startsWith("application/vnd.google-apps.") && mime.get(t.id) !== "application/vnd.google-apps.folder").length;
    const o = await runSegment(driveEnv(), progress, { maxItems: 1000, maxMs: 60_000 });
    expect(o.done).toBe(true);
    expect(o.versions.length).toBeGreaterThanOrEqual(moved.touched.length);
    // A move changes the path, not the bytes: binary files are re-filed unread; native documents
    // have no content marker and are exported again.
    expect(o.stats.stored).toBe(movedNatives);
    expect(o.stats.carried).toBeGreaterThan(0);
    const after = await snapshotContents(o.vaultSnapshotId);
    for (const [id, sha] of files) expect(after.get(id)).toBe(sha);
  });
});
