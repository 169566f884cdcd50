// OneDrive and SharePoint libraries against the in-process sandbox: discovery of drives and
// libraries, full delta enumeration checked against the manifest (paths, SHA-256 of every
// download, the driveItem's own sha256Hash), incremental rounds after mutations, 410 →
// resync_required, and restores (simple PUT and upload sessions) with each conflict policy.
import { createHash, randomBytes } from "node:crypto";
import { drain as drainAll } from "../test-support/drain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../core/errors";
import type { Change, DiscoveredUnit, ItemDescriptor, SourceConnector, UnitConnector } from "../core/types";
import { contentOf, sha256Of, startMicrosoftSandbox, type ManifestFile, type MsHarness } from "./sandbox-harness";

const drain = (c: UnitConnector, unit: DiscoveredUnit, cursor: string | null, pageSize = 10) => drainAll(c, unit, cursor, pageSize);

let h: MsHarness;
let source: SourceConnector;
let onedrive: UnitConnector;
let sharepoint: UnitConnector;
let units: DiscoveredUnit[];

const files = (cs: Change[]) => cs.flatMap((c) => (c.op === "upsert" && c.item.kind === "file" ? [c.item] : []));
const deletes = (cs: Change[]) => cs.flatMap((c) => (c.op === "delete" ? [c.externalId] : []));
const driveOfUser = (email: string) => units.find((u) => u.kind === "onedrive" && u.owner?.email === email)!;
async function truthOf(driveId: string): Promise<ManifestFile[]> {
  const m = await h.manifest();
  const d = m.units.find((u) => u.drive.id === driveId)?.drive ?? m.sites.find((s) => s.drive.id === driveId)?.drive;
  if (!d) throw new Error(`drive ${driveId} not in the manifest`);
  return d.items;
}
async function mutate(kind: string, fraction: number, seed: number, unit: string) {
  const r = await h.control<{ touched: { id: string; action: string; drive?: string }[] }>("POST", `/_control/tenants/${h.tenant.id}/mutations`, { kind, fraction, seed, units: [unit] });
  expect(r.status).toBe(200);
  return r.body.touched.filter((t) => t.drive !== undefined);
}

beforeAll(async () => {
  h = await startMicrosoftSandbox({ seed: 83, users: 2, itemsPerUser: 40 });
  source = h.connector();
  onedrive = source.unit("onedrive");
  sharepoint = source.unit("sharepoint");
  units = await source.discover();
});
afterAll(() => h?.close());

describe("discovery", () => {
  it("finds each user's OneDrive and every site's document library", async () => {
    const m = await h.manifest();
    const drives = units.filter((u) => u.kind === "onedrive");
    expect(drives.map((d) => d.attributes?.driveId).sort()).toEqual(m.units.map((u) => u.drive.id).sort());
    for (const d of drives) expect(d.key).toBe(`onedrive:${d.attributes?.driveId}`);
    const libraries = units.filter((u) => u.kind === "sharepoint");
    expect(libraries.map((l) => l.attributes?.driveId).sort()).toEqual(m.sites.map((s) => s.drive.id).sort());
    expect(libraries.every((l) => l.attributes?.siteId && l.displayName.endsWith("/ Documents"))).toBe(true);
  });
});

describe("full enumeration", () => {
  it.each(["onedrive", "sharepoint"] as const)("%s: lists every file with its path, and each download hashes to the manifest", async (kind) => {
    const unit = kind === "onedrive" ? driveOfUser(h.tenant.units[0]!.email) : units.find((u) => u.kind === "sharepoint")!;
    const connector = kind === "onedrive" ? onedrive : sharepoint;
    const truth = await truthOf(unit.attributes!.driveId!);
    const run = await drain(connector, unit, null);
    expect(run.full).toBe(true);
    expect(run.pages).toBeGreaterThan(1);
    const listed = files(run.changes);
    expect(listed.map((f) => f.externalId).sort()).toEqual(truth.map((f) => f.id).sort());
    expect(run.changes.some((c) => c.op === "upsert" && c.item.kind === "folder" && c.item.path === "/Documents/Reports")).toBe(true);
    for (const f of listed) {
      const t = truth.find((x) => x.id === f.externalId)!;
      expect(f.path).toBe(t.path);
      expect(f.metadata.sha256Hash).toBe(t.sha256);
      const content = await connector.readItem(unit, f);
      expect((await sha256Of(content)).sha256).toBe(t.sha256);
      expect(Array.isArray(content.metadata?.permissions)).toBe(true);
    }
  });
});

describe("incremental", () => {
  it("after edits, deletes, moves and new files lists exactly the touched files", async () => {
    const email = h.tenant.units[1]!.email;
    const unit = driveOfUser(email);
    const userId = h.tenant.units[1]!.id;
    const first = await drain(onedrive, unit, null);
    const idle = await drain(onedrive, unit, first.cursor);
    expect(idle.changes).toEqual([]);
    const touched = [...(await mutate("edit", 0.2, 1, userId)), ...(await mutate("delete", 0.15, 2, userId)), ...(await mutate("move", 0.15, 3, userId)), ...(await mutate("create", 0.1, 4, userId))];
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    const changed = touched.filter((t) => t.action !== "deleted" && !deleted.includes(t.id)).map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    const next = await drain(onedrive, unit, idle.cursor);
    expect(next.full).toBe(false);
    expect(deletes(next.changes).sort()).toEqual([...new Set(deleted)].sort());
    expect([...new Set(files(next.changes).map((f) => f.externalId))].sort()).toEqual([...new Set(changed)].sort());
    const truth = await truthOf(unit.attributes!.driveId!);
    for (const f of files(next.changes)) {
      const t = truth.find((x) => x.id === f.externalId)!;
      expect(f.path).toBe(t.path);
      expect((await sha256Of(await onedrive.readItem(unit, f))).sha256).toBe(t.sha256);
    }
  });

  it("an expired delta token → resync_required, then a full enumeration", async () => {
    const unit = driveOfUser(h.tenant.units[0]!.email);
    const first = await drain(onedrive, unit, null);
    expect((await h.control("POST", `/_control/tenants/${h.tenant.id}/expire-history`, {})).status).toBe(200);
    const err = await onedrive.listChanges(unit, first.cursor).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectorError(err, "resync_required")).toBe(true);
    const again = await drain(onedrive, unit, null);
    expect(again.full).toBe(true);
    expect(files(again.changes).map((f) => f.externalId).sort()).toEqual((await truthOf(unit.attributes!.driveId!)).map((f) => f.id).sort());
  });
});

describe("renamed folders", () => {
  it("re-lists the subtree of a renamed folder with its new paths", async () => {
    const lib = units.filter((u) => u.kind === "sharepoint")[2]!;
    const driveId = lib.attributes!.driveId!;
    const target = { unit: lib, conflict: "skip" as const, copyFolder: "Restored" };
    // A folder tree of our own (renaming the sandbox's seeded folders is not emulated yet).
    const meta = { driveId };
    const folder: ItemDescriptor = { externalId: "f", kind: "folder", path: "/Plans", name: "Plans", version: "1", hasContent: false, metadata: meta };
    expect((await sharepoint.writeItem(target, folder, contentOf(Buffer.alloc(0), "application/octet-stream"))).outcome).toBe("created");
    const made: string[] = [];
    for (const path of ["/Plans/Q1/a.txt", "/Plans/b.txt"]) {
      const file: ItemDescriptor = { externalId: path, kind: "file", path, name: path.split("/").pop()!, version: "1", hasContent: true, metadata: meta };
      made.push((await sharepoint.writeItem(target, file, contentOf(Buffer.from(path), "text/plain"))).externalId!);
    }
    const first = await drain(sharepoint, lib, null);
    const plans = first.changes.find((c) => c.op === "upsert" && c.item.path === "/Plans");
    const id = plans?.op === "upsert" ? plans.item.externalId : "";
    const token = await fetch(`${h.url}/microsoft/${h.tenant.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: h.app.clientId, client_secret: h.app.clientSecret, scope: "https://graph.microsoft.com/.default" }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    const patched = await fetch(`${h.url}/microsoft/graph/v1.0/drives/${driveId}/items/${id}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Plans 2026" }) });
    expect(patched.status).toBe(200);
    const next = await drain(sharepoint, lib, first.cursor);
    const truth = await truthOf(driveId);
    const relisted = files(next.changes);
    expect(relisted.map((f) => f.externalId).sort()).toEqual([...made].sort());
    for (const f of relisted) expect(f.path).toBe(truth.find((t) => t.id === f.externalId)?.path);
    expect(relisted.map((f) => f.path).sort()).toEqual(["/Plans 2026/Q1/a.txt", "/Plans 2026/b.txt"]);
    expect(next.changes.some((c) => c.op === "upsert" && c.item.kind === "folder" && c.item.path === "/Plans 2026/Q1")).toBe(true);
  });
});

describe("throttling", () => {
  it("waits out SharePoint's activityLimitReached 429 and an injected 503 with Retry-After", async () => {
    const lib = units.filter((u) => u.kind === "sharepoint")[1]!;
    const statuses: number[] = [];
    const watching: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    // 8 resource units per 2-second window for the whole tenant.
    expect((await h.control("PUT", `/_control/tenants/${h.tenant.id}/throttling/sharepoint`, { resourceUnitsPerMinute: 8, windowSeconds: 2 })).status).toBe(200);
    const fault = await h.control<{ id: string }>("POST", "/_control/faults", { provider: "microsoft", method: "GET", path: "/microsoft/graph/v1.0/drives/*/items/*/content", status: 503, retryAfter: 1, times: 2 });
    expect(fault.status).toBe(201);
    try {
      const throttled = h.connector({ fetch: watching, drivePermissions: false }).unit("sharepoint");
      const truth = await truthOf(lib.attributes!.driveId!);
      const run = await drain(throttled, lib, null);
      for (const f of files(run.changes)) expect((await sha256Of(await throttled.readItem(lib, f))).sha256).toBe(truth.find((x) => x.id === f.externalId)?.sha256);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    } finally {
      await h.control("PUT", `/_control/tenants/${h.tenant.id}/throttling/sharepoint`, {});
      await h.control("DELETE", `/_control/faults/${fault.body.id}`);
    }
  });
});

describe("restore", () => {
  it("puts deleted files back at their paths with the same bytes, and applies skip / copy / replace", async () => {
    const unit = driveOfUser(h.tenant.units[0]!.email);
    const driveId = unit.attributes!.driveId!;
    const before = await truthOf(driveId);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const f of files((await drain(onedrive, unit, null)).changes)) backup.set(f.externalId, { item: f, bytes: (await sha256Of(await onedrive.readItem(unit, f))).bytes });
    const gone = (await mutate("delete", 0.25, 11, h.tenant.units[0]!.id)).map((t) => t.id);
    expect(gone.length).toBeGreaterThan(0);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast 2026-11-27" };
    for (const id of gone) {
      const b = backup.get(id)!;
      expect((await onedrive.writeItem(target, b.item, contentOf(b.bytes, "application/octet-stream"))).outcome).toBe("created");
    }
    const key = (f: ManifestFile) => `${f.path}|${f.sha256}`;
    expect((await truthOf(driveId)).map(key).sort()).toEqual(before.map(key).sort());

    // The same file again (what the restore made: another id, the same bytes at the path): skip and copy have nothing to write; replace overwrites.
    const again = backup.get(gone[0]!)!;
    for (const conflict of ["skip", "copy"] as const) {
      const r = await onedrive.writeItem({ ...target, conflict }, again.item, contentOf(again.bytes, "application/octet-stream"));
      expect(r, conflict).toMatchObject({ outcome: "skipped", reason: `a file with the same content is already at ${again.item.path}` });
    }
    const other = randomBytes(300);
    const replaced = await onedrive.writeItem({ ...target, conflict: "replace" }, again.item, contentOf(other, "application/octet-stream"));
    expect(replaced.outcome).toBe("replaced");
    expect((await truthOf(driveId)).find((f) => f.path === again.item.path)?.sha256).toBe(createHash("sha256").update(other).digest("hex"));
    // Another file's bytes at the path: skip keeps them, copy writes the backed-up one under the copy folder.
    const kept = await onedrive.writeItem(target, again.item, contentOf(again.bytes, "application/octet-stream"));
    expect(kept).toMatchObject({ outcome: "skipped", reason: `another file is at ${again.item.path}; kept as it is` });
    const copied = await onedrive.writeItem({ ...target, conflict: "copy" }, again.item, contentOf(again.bytes, "application/octet-stream"));
    expect(copied.outcome).toBe("copied");
    expect((await truthOf(driveId)).find((f) => f.id === copied.externalId)).toMatchObject({ path: `/Restored by Holdfast 2026-11-27${again.item.path}`, sha256: createHash("sha256").update(again.bytes).digest("hex") });
  });

  it("a file edited, encrypted or moved since keeps its id: skip keeps it, copy writes the backed-up one aside, replace brings it back in place", async () => {
    const unit = driveOfUser(h.tenant.units[1]!.email);
    const driveId = unit.attributes!.driveId!;
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const f of files((await drain(onedrive, unit, null)).changes)) backup.set(f.externalId, { item: f, bytes: (await sha256Of(await onedrive.readItem(unit, f))).bytes });
    const before = await truthOf(driveId);
    const changed = [...(await mutate("ransomware", 0.3, 31, h.tenant.units[1]!.id)), ...(await mutate("move", 0.3, 32, h.tenant.units[1]!.id))].filter((t) => backup.has(t.id));
    expect(changed.some((t) => t.action === "encrypted") && changed.some((t) => t.action === "moved")).toBe(true);
    // Default copy folder names carry a time, and OneDrive refuses ":" in names.
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast (as of 2026-11-27 10:15 UTC)" };
    for (const t of new Map(changed.map((c) => [c.id, c])).values()) {
      const b = backup.get(t.id)!;
      const was = before.find((f) => f.id === t.id)!;
      const skipped = await onedrive.writeItem(target, b.item, contentOf(b.bytes, "application/octet-stream"));
      expect(skipped, t.action).toMatchObject({ outcome: "skipped", externalId: t.id });
      expect(skipped.reason, t.action).toMatch(/^the file was (moved to \/.+|changed|moved to \/.+ and changed) since; kept as it is$/);
      const copied = await onedrive.writeItem({ ...target, conflict: "copy" }, b.item, contentOf(b.bytes, "application/octet-stream"));
      expect(copied.outcome, t.action).toBe("copied");
      expect((await truthOf(driveId)).find((f) => f.id === copied.externalId), t.action).toMatchObject({ path: `/Restored by Holdfast (as of 2026-11-27 10\u223615 UTC)${was.path}`, sha256: was.sha256 });
      const replaced = await onedrive.writeItem({ ...target, conflict: "replace" }, b.item, contentOf(b.bytes, "application/octet-stream"));
      expect(replaced, t.action).toMatchObject({ outcome: "replaced", externalId: t.id });
      expect((await truthOf(driveId)).find((f) => f.id === t.id), t.action).toMatchObject({ path: was.path, sha256: was.sha256 });
      expect(await onedrive.writeItem({ ...target, conflict: "replace" }, b.item, contentOf(b.bytes, "application/octet-stream")), t.action).toMatchObject({ outcome: "skipped", reason: "the file is in place, unchanged" });
    }
  });

  it("sends large files through an upload session in 320 KiB-multiple slices, to another user's drive", async () => {
    const from = driveOfUser(h.tenant.units[0]!.email);
    const to = driveOfUser(h.tenant.units[1]!.email);
    const big = randomBytes(3 * 327_680 + 12_345);
    const item: ItemDescriptor = { externalId: "x", kind: "file", path: "/Projects/big.bin", name: "big.bin", version: "1", size: big.length, hasContent: true, metadata: { driveId: from.attributes!.driveId } };
    const slices: string[] = [];
    const watching: typeof fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (url.includes("/upload/sessions/") && init?.method === "PUT") {
        const headers = new Headers(init.headers);
        slices.push(headers.get("content-range") ?? "");
        expect(headers.has("authorization")).toBe(false);
      }
      return fetch(input, init);
    };
    const sessions = h.connector({ simpleUploadMaxBytes: 100_000, uploadChunkBytes: 327_680, fetch: watching }).unit("onedrive");
    const r = await sessions.writeItem({ unit: to, conflict: "skip", copyFolder: "Restored from Alex" }, item, { ...contentOf(big, "application/octet-stream"), size: big.length });
    expect(r.outcome).toBe("copied");
    expect(slices).toEqual([`bytes 0-327679/${big.length}`, `bytes 327680-655359/${big.length}`, `bytes 655360-983039/${big.length}`, `bytes 983040-${big.length - 1}/${big.length}`]);
    expect((await truthOf(to.attributes!.driveId!)).find((f) => f.id === r.externalId)).toMatchObject({ path: "/Restored from Alex/Projects/big.bin", size: big.length, sha256: createHash("sha256").update(big).digest("hex") });
  });

  it("restores into a SharePoint library", async () => {
    const lib = units.find((u) => u.kind === "sharepoint")!;
    const bytes = Buffer.from("quarterly numbers\r\n".repeat(50));
    const item: ItemDescriptor = { externalId: "y", kind: "file", path: "/Finance/Q3.csv", name: "Q3.csv", version: "1", size: bytes.length, hasContent: true, metadata: { driveId: lib.attributes!.driveId } };
    const r = await sharepoint.writeItem({ unit: lib, conflict: "skip", copyFolder: "Restored" }, item, contentOf(bytes, "text/csv"));
    expect(r.outcome).toBe("created");
    expect((await truthOf(lib.attributes!.driveId!)).find((f) => f.path === "/Finance/Q3.csv")?.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });
});
