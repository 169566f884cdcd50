// A Google Workspace source backed up end to end on the real stack: Postgres (its own database),
// a Temporal dev server, the worker in-process with the real ports, the vault on versitygw, and
// the sandbox in-process as Google. The catalogue and the vault are checked against the sandbox's
// manifest; a second run after mutations must be incremental.
import type { TenantSummary } from "@holdfast/sandbox";
import { browse, getJob, getRestore, listRestoreItems, listUnits, search, systemContext, type TenantContext } from "@holdfast/services";
import type { BackupSourceResult } from "@holdfast/workflows/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Control } from "../test/drill";
import { startWorkerStack, type WorkerStack } from "../test/stack";

interface GoogleManifest {
  units: { email: string; items: { id: string; sha256: string }[] }[];
}

let stack: WorkerStack;
let tenantId: string;
let sbTenant: TenantSummary;
let owner: TenantContext;
let sourceId: string;
let control: Control;

const runBackup = (key: string, source = sourceId): Promise<BackupSourceResult> => stack.runBackup(source, key);

beforeAll(async () => {
  stack = await startWorkerStack("backup");
  ({ owner, tenantId, control } = stack);
  const google = await stack.connectGoogle({ seed: 1201, users: 2, itemsPerUser: 12, driveFilesPerUser: 6 });
  sourceId = google.sourceId;
  sbTenant = google.sandboxTenant;
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

describe("backupSource on the real stack", () => {
  it("discovers the domain, backs up every unit and catalogues every message as the manifest has it", async () => {
    const result = await runBackup("first");
    expect(result.status).toBe("completed");
    const units = await listUnits(systemContext(stack.db.app.db, tenantId, "test"), sourceId);
    expect(units.filter((u) => u.kind === "gmail")).toHaveLength(2);
    expect(result.units).toBe(units.filter((u) => u.protected).length);
    expect(result.failedUnits).toBe(0);
    // The run's progress counted each catalogued version once (the first run captures everything).
    const { rows } = await stack.db.owner.pool.query<{ n: number }>("select count(*)::int as n from item_versions where tenant_id = $1 and kind <> 'folder'", [tenantId]);
    expect((await getJob(owner, result.runId)).progress.itemsDone).toBe(rows[0]?.n);
    expect(rows[0]?.n).toBeGreaterThan(0);

    const manifest = await control<GoogleManifest>("GET", `/_control/tenants/${sbTenant.id}/manifest`);
    for (const u of units.filter((x) => x.kind === "gmail")) {
      const truth = manifest.units.find((m) => m.email === u.ownerEmail)?.items ?? [];
      const found = await search(owner, { text: "", unitIds: [u.id], kinds: ["message"], limit: 200 });
      const hashes = new Map(found.items.map((v) => [v.contentSha256, v]));
      expect(found.items).toHaveLength(truth.length);
      for (const m of truth) expect(hashes.has(m.sha256)).toBe(true);
      // Browsable as of now, and every version points into the vault.
      const folder = found.items[0]?.parentPath ?? "/";
      const listing = await browse(owner, { unitId: u.id, path: folder });
      expect(listing.entries.length).toBeGreaterThan(0);
      expect(listing.entries.every((e) => e.parentPath === folder)).toBe(true);
      for (const v of found.items) expect(v.vault?.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("a second run after mutations is incremental and the catalogue follows the provider", async () => {
    const [gmail] = (await listUnits(systemContext(stack.db.app.db, tenantId, "test"), sourceId)).filter((u) => u.kind === "gmail");
    if (!gmail) throw new Error("no gmail unit");
    const deleted = await control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${sbTenant.id}/mutations`, { kind: "delete", fraction: 0.25, seed: 5, units: [gmail.ownerEmail] });
    await control("POST", `/_control/tenants/${sbTenant.id}/mutations`, { kind: "create", fraction: 0.25, seed: 6, units: [gmail.ownerEmail] });
    const result = await runBackup("second");
    expect(result.status).toBe("completed");
    expect(result.stats.deleted).toBeGreaterThanOrEqual(deleted.touched.length);
    // Only new content is read; everything else is carried over from the last snapshot.
    expect(result.stats.stored).toBeLessThan(result.stats.carried);
    const manifest = await control<GoogleManifest>("GET", `/_control/tenants/${sbTenant.id}/manifest`);
    const truth = manifest.units.find((m) => m.email === gmail.ownerEmail)?.items ?? [];
    const current = await search(owner, { text: "", unitIds: [gmail.id], kinds: ["message"], limit: 200 });
    const live = current.items.filter((v) => v.itemDeletedAt === null && v.supersededAt === null);
    expect(new Set(live.map((v) => v.contentSha256))).toEqual(new Set(truth.map((m) => m.sha256)));
    const gone = await search(owner, { text: "", unitIds: [gmail.id], deletedOnly: true, limit: 200 });
    expect(gone.items.length).toBeGreaterThanOrEqual(deleted.touched.length);
  });

  it("a self-serve restore brings deleted messages back byte for byte, records each item, and a second one skips them", async () => {
    const [gmail] = (await listUnits(systemContext(stack.db.app.db, tenantId, "test"), sourceId)).filter((u) => u.kind === "gmail");
    if (!gmail) throw new Error("no gmail unit");
    const before = await control<GoogleManifest>("GET", `/_control/tenants/${sbTenant.id}/manifest`);
    const truth = (m: GoogleManifest) => (m.units.find((x) => x.email === gmail.ownerEmail)?.items ?? []).map((i) => i.sha256).sort();
    const asOf = new Date();
    const gone = await control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${sbTenant.id}/mutations`, { kind: "delete", fraction: 0.3, seed: 17, units: [gmail.ownerEmail] });
    expect(gone.touched.length).toBeGreaterThan(0);

    const restoreOnce = () => stack.runRestore({ unitId: gmail.id, asOf, conflict: "skip" });
    const first = await restoreOnce();
    expect(first.result.status).toBe("completed");
    expect(first.result.counts.created).toBe(gone.touched.length);
    expect(first.result.counts.failed).toBe(0);
    expect(truth(await control<GoogleManifest>("GET", `/_control/tenants/${sbTenant.id}/manifest`))).toEqual(truth(before));
    const recorded = await getRestore(owner, first.job.id);
    expect(recorded).toMatchObject({ status: "completed", counts: { created: gone.touched.length, failed: 0 } });
    const items = await listRestoreItems(owner, first.job.id, { limit: 1000 });
    expect(items.filter((i) => i.outcome === "created").map((i) => i.externalId).sort()).toEqual(gone.touched.map((x) => x.id).sort());

    const second = await restoreOnce();
    expect(second.result.counts.created).toBe(0);
    expect(second.result.counts.skipped).toBeGreaterThan(0);
  });

  it("a revoked grant fails the run with the reason, and nothing already backed up is lost", async () => {
    // The admin removed the app's domain-wide delegation: every grant and every token is refused.
    await control("POST", `/_control/faults`, { provider: "google", kind: "revokedToken" });
    const result = await runBackup("revoked");
    expect(result.status).toBe("failed");
    await control("DELETE", `/_control/faults`);
    const units = await listUnits(systemContext(stack.db.app.db, tenantId, "test"), sourceId);
    const [gmail] = units.filter((u) => u.kind === "gmail");
    const still = await search(owner, { text: "", unitIds: [gmail?.id ?? ""], kinds: ["message"], limit: 200 });
    expect(still.items.length).toBeGreaterThan(0);
  });
});

describe("a Microsoft 365 source on the real stack", () => {
  it("admin consent, then backupSource captures every mailbox message and OneDrive file as the manifest has them", async () => {
    interface MsManifest {
      units: { email: string; items: { id: string; sha256: string }[]; drive?: { items: { id: string; sha256: string }[] } }[];
    }
    const { sourceId: msSourceId, sandboxTenant: ms } = await stack.connectMicrosoft({ seed: 1301, users: 2, itemsPerUser: 10 });
    const source = { id: msSourceId };
    const result = await runBackup("ms-first", source.id);
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    const units = await listUnits(systemContext(stack.db.app.db, tenantId, "test"), source.id);
    const manifest = await control<MsManifest>("GET", `/_control/tenants/${ms.id}/manifest`);
    for (const u of units.filter((x) => x.kind === "exchange")) {
      const truth = manifest.units.find((m) => m.email === u.ownerEmail)?.items ?? [];
      expect(truth.length).toBeGreaterThan(0);
      const found = await search(owner, { text: "", unitIds: [u.id], kinds: ["message"], limit: 200 });
      expect(new Set(found.items.map((v) => v.contentSha256))).toEqual(new Set(truth.map((m) => m.sha256)));
    }
    for (const u of units.filter((x) => x.kind === "onedrive")) {
      const truth = manifest.units.find((m) => m.email === u.ownerEmail)?.drive?.items ?? [];
      expect(truth.length).toBeGreaterThan(0);
      const found = await search(owner, { text: "", unitIds: [u.id], kinds: ["file"], limit: 200 });
      expect(new Set(found.items.map((v) => v.contentSha256))).toEqual(new Set(truth.map((m) => m.sha256)));
    }
  });
});
