// Drive against the in-process sandbox: My Drive and the shared drive enumerated and read
// against the manifest (natives through their export), incremental after mutations, resync,
// unsupported sizes, restore with folder paths (multipart and resumable) and conflict policies.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../core/errors";
import type { DiscoveredUnit, ItemDescriptor, SourceConnector, UnitConnector } from "../core/types";
import { bytesOf, drain, startGoogleSandbox, type GoogleSandbox } from "./test-sandbox";
import { sha256Hex } from "./transform";
import { once } from "./units";

interface DriveItem {
  id: string;
  path: string;
  name: string;
  mimeType: string;
  trashed: boolean;
  size?: number | null;
  sha256?: string;
  sha256Of?: string;
}
interface DriveManifest {
  drives: { id: string; kind: "myDrive" | "sharedDrive"; email?: string; items: DriveItem[] }[];
}

const FOLDER = "application/vnd.google-apps.folder";
let sb: GoogleSandbox;
let connector: SourceConnector;
let units: DiscoveredUnit[];
let drive: UnitConnector;

const manifest = () => sb.control<DriveManifest>("GET", `/_control/tenants/${sb.tenant.id}/manifest`);
const myDrive = (m: DriveManifest, email: string) => m.drives.find((d) => d.kind === "myDrive" && d.email === email)?.items ?? [];
const live = (items: DriveItem[]) => items.filter((i) => !i.trashed);
const unitOf = (i: number): DiscoveredUnit => {
  const u = units.find((x) => x.kind === "drive" && x.owner?.email === sb.tenant.units[i]?.email);
  if (!u) throw new Error(`no drive unit for user ${i}`);
  return u;
};
const upserts = (changes: { op: string }[]) => changes.flatMap((c) => ("item" in c ? [(c as { item: ItemDescriptor }).item] : []));

beforeAll(async () => {
  sb = await startGoogleSandbox({ seed: 502, users: 2, itemsPerUser: 20, driveFilesPerUser: 30, largeFilesMiB: [2] });
  // The sandbox exports Docs as text/plain and Sheets as text/csv (no Office formats, README
  // "Drive fidelity"); the manifest hashes natives by exactly those exports.
  connector = sb.connect({
    exportFormats: { "application/vnd.google-apps.document": "text/plain", "application/vnd.google-apps.spreadsheet": "text/csv" },
    resumableThresholdBytes: 1024 * 1024,
    resumableChunkBytes: 512 * 1024,
  });
  units = await connector.discover();
  drive = connector.unit("drive");
});
afterAll(() => sb.close());

describe("drive full enumeration", () => {
  it("lists every live file and folder of My Drive with its path, and each read hashes as the manifest says", async () => {
    const unit = unitOf(0);
    const truth = live(myDrive(await manifest(), unit.owner?.email ?? ""));
    const { changes, full } = await drain(drive, unit, null);
    expect(full).toBe(true);
    const items = upserts(changes);
    expect(items.length).toBe(changes.length);
    expect(items.map((i) => i.externalId).sort()).toEqual(truth.map((t) => t.id).sort());
    let natives = 0;
    let binaries = 0;
    for (const item of items) {
      const t = truth.find((x) => x.id === item.externalId);
      expect(item.path).toBe(t?.path);
      expect(item.metadata.mimeType).toBe(t?.mimeType);
      expect(item.metadata.permissions).toEqual(expect.arrayContaining([expect.objectContaining({ role: "owner", emailAddress: unit.owner?.email })]));
      if (item.kind === "folder") {
        expect(t?.mimeType).toBe(FOLDER);
        continue;
      }
      const content = await drive.readItem(unit, item);
      expect(sha256Hex(await bytesOf(content))).toBe(t?.sha256);
      if (item.metadata.native) {
        natives += 1;
        expect(content.metadata?.exportMimeType).toBe(t?.sha256Of?.replace(/^export:/, ""));
      } else {
        binaries += 1;
        expect(item.metadata.headRevisionId).toBeDefined();
        expect((item.metadata.revisions as { id: string }[]).at(-1)?.id).toBe(item.metadata.headRevisionId);
      }
    }
    expect(natives).toBeGreaterThan(0);
    expect(binaries).toBeGreaterThan(0);
  });

  it("enumerates the shared drive as its own unit", async () => {
    const unit = units.find((u) => u.kind === "shared-drive");
    if (!unit) throw new Error("no shared drive discovered");
    const truth = live((await manifest()).drives.find((d) => d.kind === "sharedDrive")?.items ?? []);
    const { changes } = await drain(connector.unit("shared-drive"), unit, null);
    const items = upserts(changes);
    expect(items.map((i) => i.externalId).sort()).toEqual(truth.map((t) => t.id).sort());
    const file = items.find((i) => i.kind === "file" && !i.metadata.native);
    if (!file) throw new Error("no binary file in the shared drive");
    const t = truth.find((x) => x.id === file.externalId);
    expect(sha256Hex(await bytesOf(await connector.unit("shared-drive").readItem(unit, file)))).toBe(t?.sha256);
  });

  it("follows the shared drive's own change log", async () => {
    const unit = units.find((u) => u.kind === "shared-drive");
    if (!unit) throw new Error("no shared drive discovered");
    const shared = connector.unit("shared-drive");
    const { cursor } = await drain(shared, unit, null);
    const r = await sb.control<{ touched: { unit: string; id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "edit", service: "drive", fraction: 0.2, seed: 13 });
    const mine = r.touched.filter((t) => t.unit === `shared-drive:${unit.externalId}`);
    expect(mine.length).toBeGreaterThan(0);
    const after = await drain(shared, unit, cursor);
    expect(upserts(after.changes).map((i) => i.externalId).sort()).toEqual([...new Set(mine.map((t) => t.id))].sort());
  });

  it("refuses files above the configured maximum as unsupported, naming the reason", async () => {
    const unit = unitOf(0);
    const small = sb.connect({ maxFileBytes: 1024 });
    const { changes } = await drain(small.unit("drive"), unit, null);
    const big = upserts(changes).find((i) => (i.size ?? 0) > 1024);
    if (!big) throw new Error("no file above 1 KiB");
    const err = await small.unit("drive").readItem(unit, big).catch((e: unknown) => e);
    expect(isConnectorError(err, "unsupported")).toBe(true);
    expect((err as Error).message).toContain("above the configured maximum");
  });
});

describe("drive failures", () => {
  it("a download cut off mid-body fails as a transient ConnectorError, and the next read succeeds", async () => {
    const unit = unitOf(0);
    const items = upserts((await drain(drive, unit, null)).changes);
    const big = items.find((i) => (i.size ?? 0) > 1024 * 1024);
    if (!big) throw new Error("no large file");
    const { rules: [rule] } = await sb.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "google", path: `/drive/v3/files/${big.externalId}`, drop: { afterBytes: 100_000 }, times: 1 });
    try {
      const err = await drive.readItem(unit, big).then(bytesOf).catch((e: unknown) => e);
      expect(isConnectorError(err, "transient")).toBe(true);
      expect((err as Error).message).toContain("(body)");
    } finally {
      await sb.control("DELETE", `/_control/faults/${rule?.id}`).catch(() => undefined);
    }
    const t = live(myDrive(await manifest(), unit.owner?.email ?? "")).find((x) => x.id === big.externalId);
    expect(sha256Hex(await bytesOf(await drive.readItem(unit, big)))).toBe(t?.sha256);
  });
});

describe("drive incremental", () => {
  it("after edit, move, delete and create lists exactly the touched files", async () => {
    const unit = unitOf(1);
    const email = unit.owner?.email ?? "";
    const before = await drain(drive, unit, null);
    expect((await drain(drive, unit, before.cursor)).changes).toEqual([]);
    const touched: { id: string; action: string }[] = [];
    for (const kind of ["edit", "move", "delete", "create"]) {
      const r = await sb.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind, service: "drive", fraction: 0.1, seed: 5, units: [email] });
      touched.push(...r.touched);
    }
    expect(new Set(touched.map((t) => t.action))).toEqual(new Set(["edited", "moved", "deleted", "created"]));
    const after = await drain(drive, unit, before.cursor);
    expect(after.full).toBe(false);
    const deleted = new Set(touched.filter((t) => t.action === "deleted").map((t) => t.id));
    expect(new Set(after.changes.filter((c) => c.op === "delete").map((c) => (c.op === "delete" ? c.externalId : "")))).toEqual(deleted);
    const changed = upserts(after.changes);
    expect(new Set(changed.map((i) => i.externalId))).toEqual(new Set(touched.filter((t) => !deleted.has(t.id)).map((t) => t.id)));
    const truth = live(myDrive(await manifest(), email));
    for (const item of changed) {
      const t = truth.find((x) => x.id === item.externalId);
      expect(item.path).toBe(t?.path);
      if (item.kind === "file") expect(sha256Hex(await bytesOf(await drive.readItem(unit, item)))).toBe(t?.sha256);
    }
    expect((await drain(drive, unit, after.cursor)).changes).toEqual([]);

    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/expire-history`, { units: [email] });
    const err = await drive.listChanges(unit, after.cursor).catch((e: unknown) => e);
    expect(isConnectorError(err, "resync_required")).toBe(true);
    expect(upserts((await drain(drive, unit, null)).changes).length).toBe(truth.length);
  });
});

describe("drive restore", () => {
  it("recreates deleted files at their paths with the same bytes, large ones through a resumable session", async () => {
    const unit = unitOf(0);
    const email = unit.owner?.email ?? "";
    const items = upserts((await drain(drive, unit, null)).changes);
    const saved = new Map<string, { bytes: Buffer; contentType: string }>();
    for (const item of items.filter((i) => i.kind === "file")) {
      const c = await drive.readItem(unit, item);
      saved.set(item.externalId, { bytes: await bytesOf(c), contentType: c.contentType });
    }
    const before = live(myDrive(await manifest(), email));
    const r = await sb.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", service: "drive", fraction: 0.3, seed: 9, units: [email] });
    const gone = r.touched.filter((t) => t.action === "deleted").map((t) => t.id);
    const files = items.filter((i) => gone.includes(i.externalId) && i.kind === "file");
    expect(files.length).toBeGreaterThan(2);
    // Restore the large binary too (2–4 MiB, above the 1 MiB resumable threshold set above).
    const large = items.find((i) => (i.size ?? 0) > 1024 * 1024 && !gone.includes(i.externalId));
    if (!large) throw new Error("no large file seeded");

    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    for (const item of files) {
      const s = saved.get(item.externalId);
      if (!s) throw new Error(`no backup of ${item.externalId}`);
      const res = await drive.writeItem(target, item, { body: once(s.bytes), contentType: s.contentType });
      expect(res.outcome).toBe("created");
    }
    const key = (t: DriveItem) => `${t.path} ${t.mimeType} ${t.sha256 ?? "-"}`;
    const after = live(myDrive(await manifest(), email));
    // Natives came back as natives (uploaded from their export with conversion).
    expect(files.some((f) => f.metadata.native)).toBe(true);
    expect(after.filter((t) => t.mimeType !== FOLDER).map(key).sort()).toEqual(before.filter((t) => t.mimeType !== FOLDER).map(key).sort());

    // A file that is still there as it was backed up: nothing to do whatever the policy.
    const s = saved.get(large.externalId);
    if (!s) throw new Error("no backup of the large file");
    for (const conflict of ["skip", "copy", "replace"] as const) {
      expect(await drive.writeItem({ ...target, conflict }, large, { body: once(s.bytes), contentType: s.contentType, size: s.bytes.length })).toMatchObject({
        outcome: "skipped",
        externalId: large.externalId,
        reason: "the file is in place and unchanged since the backup",
      });
    }
    // Backed up with other bytes than it holds now (changed since): skip leaves it and says why,
    // copy puts the backed-up version under copyFolder, replace uploads it as a new head
    // revision of the same file (resumable for the large one).
    const older = Buffer.concat([s.bytes, Buffer.from("\nas it was at the backup\n")]);
    const backedUp: ItemDescriptor = { ...large, metadata: { ...large.metadata, md5Checksum: createHash("md5").update(older).digest("hex"), sha256Checksum: undefined } };
    const content = () => ({ body: once(older), contentType: s.contentType, size: older.length });
    expect(await drive.writeItem(target, backedUp, content())).toMatchObject({ outcome: "skipped", externalId: large.externalId, reason: expect.stringMatching(/newer than the backup \(its content changed\)/) as unknown });
    const copied = await drive.writeItem({ ...target, conflict: "copy" }, backedUp, content());
    expect(copied.outcome).toBe("copied");
    const replaced = await drive.writeItem({ ...target, conflict: "replace" }, backedUp, content());
    expect(replaced).toMatchObject({ outcome: "replaced", externalId: large.externalId });
    const now = live(myDrive(await manifest(), email));
    expect(now.find((t) => t.id === copied.externalId)).toMatchObject({ path: `/Restored by Holdfast${large.path}`, sha256: sha256Hex(older) });
    const same = now.find((t) => t.id === large.externalId);
    expect(same).toMatchObject({ path: large.path, sha256: sha256Hex(older) });
    expect((same as { revisions?: number } | undefined)?.revisions).toBeGreaterThan(1);
  });

  it("replace puts a moved, renamed or trashed file back where it was, under the same id", async () => {
    const unit = unitOf(1);
    const email = unit.owner?.email ?? "";
    const items = upserts((await drain(drive, unit, null)).changes).filter((i) => i.kind === "file");
    const saved = new Map<string, Buffer>();
    for (const item of items) saved.set(item.externalId, await bytesOf(await drive.readItem(unit, item)));
    const before = live(myDrive(await manifest(), email));
    const moved = await sb.control<{ touched: { id: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "move", service: "drive", fraction: 0.4, seed: 15, units: [email] });
    const trashed = await sb.control<{ touched: { id: string; trashed: boolean }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", service: "drive", fraction: 0.4, seed: 16, units: [email] });
    const touched = [...new Set([...moved.touched.map((t) => t.id), ...trashed.touched.filter((t) => t.trashed).map((t) => t.id)])].filter((id) => !trashed.touched.some((t) => t.id === id && !t.trashed));
    expect(touched.length).toBeGreaterThan(1);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    for (const id of touched) {
      const item = items.find((i) => i.externalId === id);
      const bytes = saved.get(id);
      if (!item || !bytes) throw new Error(`no backup of ${id}`);
      const content = () => ({ body: once(bytes), contentType: String(item.metadata.mimeType) });
      const onlyTrashed = !moved.touched.some((t) => t.id === id);
      const skip = await drive.writeItem(target, item, content());
      // Out of the trash is no overwrite: even skip brings it back. A move is newer data.
      if (onlyTrashed) expect(skip).toMatchObject({ outcome: "created", externalId: id, reason: expect.stringMatching(/trash/) as unknown });
      else expect(skip).toMatchObject({ outcome: "skipped", externalId: id, reason: expect.stringMatching(/moved or renamed/) as unknown });
      const replace = await drive.writeItem({ ...target, conflict: "replace" }, item, content());
      expect(replace).toMatchObject({ outcome: onlyTrashed ? "skipped" : "replaced", externalId: id });
    }
    const key = (t: DriveItem) => `${t.id} ${t.path} ${t.sha256 ?? "-"}`;
    const gone = new Set(trashed.touched.filter((t) => !t.trashed).map((t) => t.id));
    expect(live(myDrive(await manifest(), email)).map(key).sort()).toEqual(before.filter((t) => !gone.has(t.id)).map(key).sort());
  });

  it("restores into another user's drive under the copy folder, and into the shared drive", async () => {
    const from = unitOf(0);
    const to = unitOf(1);
    const items = upserts((await drain(drive, from, null)).changes).filter((i) => i.kind === "file" && !i.metadata.native && i.path.split("/").length > 2);
    const item = items[0];
    if (!item) throw new Error("no file in a folder");
    const bytes = await bytesOf(await drive.readItem(from, item));
    const res = await drive.writeItem({ unit: to, conflict: "skip", copyFolder: "From colleague" }, item, { body: once(bytes), contentType: String(item.metadata.mimeType) });
    expect(res.outcome).toBe("copied");
    const theirs = live(myDrive(await manifest(), to.owner?.email ?? ""));
    expect(theirs.find((t) => t.id === res.externalId)).toMatchObject({ path: `/From colleague${item.path}`, sha256: sha256Hex(bytes) });

    const sharedUnit = units.find((u) => u.kind === "shared-drive");
    if (!sharedUnit) throw new Error("no shared drive");
    const shared = connector.unit("shared-drive");
    const sharedItems = upserts((await drain(shared, sharedUnit, null)).changes).filter((i) => i.kind === "file");
    const victim = sharedItems.find((i) => !i.metadata.native) ?? sharedItems[0];
    if (!victim) throw new Error("no shared file");
    const content = await shared.readItem(sharedUnit, victim);
    const saved = await bytesOf(content);
    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", service: "drive", fraction: 1, seed: 1 });
    const back = await shared.writeItem({ unit: sharedUnit, conflict: "skip", copyFolder: "x" }, victim, { body: once(saved), contentType: content.contentType });
    expect(back.outcome).toBe("created");
    const sharedNow = live((await manifest()).drives.find((d) => d.kind === "sharedDrive")?.items ?? []);
    expect(sharedNow.find((t) => t.id === back.externalId)).toMatchObject({ path: victim.path, sha256: sha256Hex(saved) });
  });
});
