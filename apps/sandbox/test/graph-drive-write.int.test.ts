// OneDrive / SharePoint restore paths through the official Graph client: simple upload (by
// parent id + name and by path), conflict behaviours, upload sessions in 320 KiB slices
// (LargeFileUploadTask and hand-sent ranges incl. a wrong one → 416, status, cancel), versions,
// folder creation, rename/move, delete → delta tombstones, permissions — each checked against
// the manifest's SHA-256 where content is involved.
import { createHash } from "node:crypto";
import { GraphError, LargeFileUploadTask, RetryHandlerOptions, type Client, type FileObject } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConsent, appToken, collectPages, createMicrosoftTenant, graphClient, registerMsApp, sandboxAgent } from "./graph-harness";
import { startSandbox, type Harness } from "./harness";

interface DriveItem {
  id: string;
  name: string;
  size?: number;
  file?: { mimeType: string; hashes?: { sha256Hash: string } };
  folder?: { childCount: number };
  deleted?: { state: string };
  parentReference?: { id?: string; driveId?: string };
}
interface ManifestItem {
  id: string;
  path: string;
  size: number;
  sha256: string;
  version: number;
}
interface Manifest {
  units: { email: string; drive: { id: string; items: ManifestItem[] } }[];
  sites: { id: string; drive: { id: string; items: ManifestItem[] } }[];
}

let h: Harness;
let tenant: Awaited<ReturnType<typeof createMicrosoftTenant>>;
let client: Client;
let upn: string;
let driveId: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const KiB320 = 320 * 1024;
/** Deterministic bytes that differ per label. */
const bytesOf = (label: string, n: number) => {
  const out = Buffer.alloc(n);
  let block = createHash("sha256").update(label).digest();
  for (let o = 0; o < n; o += block.length) {
    block.copy(out, o);
    block = createHash("sha256").update(block).digest();
  }
  return out;
};

async function manifest(): Promise<Manifest> {
  return (await h.control<Manifest>("GET", `/_control/tenants/${tenant.id}/manifest`)).body;
}
async function driveTruth(): Promise<ManifestItem[]> {
  return (await manifest()).units.find((u) => u.email === upn)?.drive.items ?? [];
}
async function download(path: string): Promise<Buffer> {
  const stream = (await client.api(path).getStream()) as AsyncIterable<Uint8Array>;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
async function failure(p: Promise<unknown>): Promise<GraphError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}
const noRetry = [new RetryHandlerOptions(0, 0)];

beforeAll(async () => {
  h = await startSandbox();
  tenant = await createMicrosoftTenant(h, { seed: 73, users: 2, itemsPerUser: 40 });
  upn = tenant.adminEmail;
  const app = await registerMsApp(h, ["Files.ReadWrite.All", "Sites.ReadWrite.All"]);
  await adminConsent(h, tenant.tenantId, app);
  client = graphClient(h, await appToken(h, tenant.tenantId, app));
  driveId = ((await client.api(`/users/${upn}/drive`).get()) as { id: string }).id;
});
afterAll(() => h.close());

describe("OneDrive writes", () => {
  it("uploads a small file by parent id and name, and by path (creating folders); the manifest and content agree", async () => {
    const content = Buffer.from("Quarterly numbers\r\nrestored from backup\r\n");
    const item = (await client.api(`/drives/${driveId}/items/root:/Restored notes.txt:/content`).put(content)) as DriveItem;
    expect(item).toMatchObject({ name: "Restored notes.txt", size: content.length, file: { mimeType: "text/plain" } });
    expect(item.file?.hashes?.sha256Hash.toLowerCase()).toBe(sha(content));
    expect(sha(await download(`/drives/${driveId}/items/${item.id}/content`))).toBe(sha(content));

    const nested = Buffer.from("%PDF-1.7\n% restored\n");
    const deep = (await client.api(`/users/${upn}/drive/root:/Restore 2025/Q1/report.pdf:/content`).put(nested)) as DriveItem;
    expect(deep.file?.mimeType).toBe("application/pdf");
    const truth = await driveTruth();
    expect(truth.find((t) => t.id === item.id)).toMatchObject({ path: "/Restored notes.txt", size: content.length, sha256: sha(content), version: 1 });
    expect(truth.find((t) => t.id === deep.id)).toMatchObject({ path: "/Restore 2025/Q1/report.pdf", sha256: sha(nested) });
    const folder = (await client.api(`/drives/${driveId}/items/${String(deep.parentReference?.id)}`).get()) as DriveItem;
    expect(folder).toMatchObject({ name: "Q1", folder: { childCount: 1 } });
  });

  it("resolves name conflicts: replace makes a new version, fail is 409 nameAlreadyExists, rename picks a free name", async () => {
    const path = `/drives/${driveId}/root:/Documents/conflict.txt:/content`;
    const v1 = (await client.api(path).put(Buffer.from("one"))) as DriveItem;
    const v2 = (await client.api(path).query({ "@microsoft.graph.conflictBehavior": "replace" }).put(Buffer.from("two!"))) as DriveItem;
    expect(v2.id).toBe(v1.id);
    expect(v2.size).toBe(4);
    const err = await failure(client.api(path).query({ "@microsoft.graph.conflictBehavior": "fail" }).middlewareOptions(noRetry).put(Buffer.from("three")));
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe("nameAlreadyExists");
    const renamed = (await client.api(path).query({ "@microsoft.graph.conflictBehavior": "rename" }).put(Buffer.from("four"))) as DriveItem;
    expect(renamed.id).not.toBe(v1.id);
    expect(renamed.name).toBe("conflict 1.txt");
    const bad = await failure(client.api(path).query({ "@microsoft.graph.conflictBehavior": "overwrite" }).middlewareOptions(noRetry).put(Buffer.from("x")));
    expect(bad.statusCode).toBe(400);

    // Versions: newest first, each content change one; earlier contents stay downloadable.
    const versions = ((await client.api(`/drives/${driveId}/items/${v1.id}/versions`).get()) as { value: { id: string; size: number }[] }).value;
    expect(versions.map((v) => [v.id, v.size])).toEqual([
      ["2.0", 4],
      ["1.0", 3],
    ]);
    expect((await download(`/drives/${driveId}/items/${v1.id}/versions/1.0/content`)).toString()).toBe("one");
    expect((await download(`/drives/${driveId}/items/${v1.id}/versions/2.0/content`)).toString()).toBe("two!");
    // PUT …/items/{id}/content: a third version of the same item.
    await client.api(`/drives/${driveId}/items/${v1.id}/content`).put(Buffer.from("three, by id"));
    expect(((await client.api(`/drives/${driveId}/items/${v1.id}/versions`).get()) as { value: unknown[] }).value).toHaveLength(3);
    expect((await driveTruth()).find((t) => t.id === v1.id)).toMatchObject({ version: 3, sha256: sha(Buffer.from("three, by id")) });
    expect((await failure(client.api(`/drives/${driveId}/items/${v1.id}/versions/9.0`).middlewareOptions(noRetry).get())).statusCode).toBe(404);
  });

  it("uploads through an upload session with LargeFileUploadTask in 320 KiB slices", async () => {
    const content = bytesOf("large", 3 * KiB320 + 12_345);
    const session = await LargeFileUploadTask.createUploadSession(client, `${h.sandbox.httpsUrl}/microsoft/graph/v1.0/drives/${driveId}/root:/Pictures/big scan.png:/createUploadSession`, {
      item: { "@microsoft.graph.conflictBehavior": "rename" },
    });
    const file: FileObject<Buffer> = { content, name: "big scan.png", size: content.length, sliceFile: (r) => content.subarray(r.minValue, r.maxValue + 1) };
    const task = new LargeFileUploadTask(client, file, session, { rangeSize: KiB320 });
    const result = await task.upload();
    const item = result.responseBody as DriveItem;
    expect(item).toMatchObject({ name: "big scan.png", size: content.length, file: { mimeType: "image/png" } });
    const truth = await driveTruth();
    expect(truth.find((t) => t.id === item.id)).toMatchObject({ path: "/Pictures/big scan.png", sha256: sha(content) });
  });

  it("checks ranges and slice sizes, reports status, and cancels", async () => {
    const agent = sandboxAgent(h);
    const content = bytesOf("manual", 2 * KiB320 + 100);
    const created = (await client.api(`/users/${upn}/drive/items/root:/manual.bin:/createUploadSession`).post({ item: { "@microsoft.graph.conflictBehavior": "fail" }, fileSize: content.length })) as { uploadUrl: string; expirationDateTime: string; nextExpectedRanges: string[] };
    expect(created.nextExpectedRanges).toEqual(["0-"]);
    expect(Date.parse(created.expirationDateTime)).toBeGreaterThan(Date.now());
    // The upload URL is pre-authenticated: no Authorization header on these requests.
    // Every response body is read, so undici can reuse its connections.
    const send = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, { ...init, dispatcher: agent });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    const put = (start: number, end: number, body: Buffer) => send(created.uploadUrl, { method: "PUT", headers: { "content-range": `bytes ${start}-${end}/${content.length}` }, body });

    const first = await put(0, KiB320 - 1, content.subarray(0, KiB320));
    expect(first.status).toBe(202);
    expect(first.body.nextExpectedRanges).toEqual([`${KiB320}-`]);
    // A slice that skips ahead → 416; one that is not a multiple of 320 KiB → 400.
    const skipped = await put(KiB320 + 10, 2 * KiB320 + 9, content.subarray(KiB320 + 10, 2 * KiB320 + 10));
    expect(skipped.status).toBe(416);
    expect((skipped.body as { error: { code: string } }).error.code).toBe("invalidRange");
    const odd = await put(KiB320, KiB320 + 999, content.subarray(KiB320, KiB320 + 1000));
    expect(odd.status).toBe(400);
    const status = await send(created.uploadUrl);
    expect(status.body.nextExpectedRanges).toEqual([`${KiB320}-`]);
    expect((await put(KiB320, 2 * KiB320 - 1, content.subarray(KiB320, 2 * KiB320))).status).toBe(202);
    const last = await put(2 * KiB320, content.length - 1, content.subarray(2 * KiB320));
    expect(last.status).toBe(201);
    const item = last.body as unknown as DriveItem;
    expect(item.file?.hashes?.sha256Hash.toLowerCase()).toBe(sha(content));
    expect(sha(await download(`/drives/${driveId}/items/${item.id}/content`))).toBe(sha(content));

    // conflictBehavior fail on a taken name is refused at once; a cancelled session is gone.
    const taken = await failure(client.api(`/users/${upn}/drive/items/root:/manual.bin:/createUploadSession`).middlewareOptions(noRetry).post({ item: { "@microsoft.graph.conflictBehavior": "fail" } }));
    expect(taken.statusCode).toBe(409);
    const again = (await client.api(`/drives/${driveId}/items/${item.id}/createUploadSession`).post({})) as { uploadUrl: string };
    expect((await send(again.uploadUrl, { method: "DELETE" })).status).toBe(204);
    expect((await send(again.uploadUrl)).status).toBe(401);
    // A session on a folder with item.name: a new file there, the conflict behaviour deciding.
    const byName = (await client.api(`/drives/${driveId}/items/root/createUploadSession`).post({ item: { name: "manual.bin", "@microsoft.graph.conflictBehavior": "rename" } })) as { uploadUrl: string };
    const small = await send(byName.uploadUrl, { method: "PUT", headers: { "content-range": "bytes 0-4/5" }, body: Buffer.from("hello") });
    expect(small.status).toBe(201);
    expect(small.body).toMatchObject({ name: "manual 1.bin", size: 5 });
  });

  it("creates folders, renames and moves, deletes — and delta reports it all", async () => {
    const start = await collectPages<DriveItem>(client, `/drives/${driveId}/root/delta`);
    const folder = (await client.api(`/drives/${driveId}/root/children`).post({ name: "Archive", folder: {}, "@microsoft.graph.conflictBehavior": "fail" })) as DriveItem;
    expect(folder).toMatchObject({ name: "Archive", folder: { childCount: 0 } });
    const dup = await failure(client.api(`/drives/${driveId}/root/children`).middlewareOptions(noRetry).post({ name: "archive", folder: {} }));
    expect(dup.statusCode).toBe(409);
    expect(dup.code).toBe("nameAlreadyExists");
    const second = (await client.api(`/drives/${driveId}/root/children`).post({ name: "Archive", folder: {}, "@microsoft.graph.conflictBehavior": "rename" })) as DriveItem;
    expect(second.name).toBe("Archive 1");

    const file = (await client.api(`/drives/${driveId}/items/${folder.id}:/old name.txt:/content`).put(Buffer.from("move me"))) as DriveItem;
    const moved = (await client.api(`/drives/${driveId}/items/${file.id}`).patch({ name: "new name.txt", parentReference: { id: second.id } })) as DriveItem;
    expect(moved).toMatchObject({ id: file.id, name: "new name.txt", parentReference: { id: second.id } });
    const clash = (await client.api(`/drives/${driveId}/items/${second.id}:/other.txt:/content`).put(Buffer.from("x"))) as DriveItem;
    expect((await failure(client.api(`/drives/${driveId}/items/${clash.id}`).middlewareOptions(noRetry).patch({ name: "New Name.txt" }))).statusCode).toBe(409);

    await client.api(`/drives/${driveId}/items/${second.id}`).delete();
    expect((await failure(client.api(`/drives/${driveId}/items/${file.id}`).middlewareOptions(noRetry).get())).statusCode).toBe(404);
    const round = await collectPages<DriveItem>(client, String(start.last["@odata.deltaLink"]));
    const deleted = round.items.filter((i) => i.deleted);
    expect(new Set(deleted.map((i) => i.id))).toEqual(new Set([second.id, file.id, clash.id]));
    expect(deleted.find((i) => i.id === second.id)?.folder).toBeDefined();
    expect(round.items.find((i) => i.id === folder.id && !i.deleted)).toBeDefined();
    const truth = await driveTruth();
    expect(truth.some((t) => t.id === file.id || t.id === clash.id)).toBe(false);
  });

  it("renames and moves seeded folders: children's paths follow, delta reports the folder only", async () => {
    const start = await collectPages<DriveItem & { parentReference?: { path?: string } }>(client, `/drives/${driveId}/root/delta`);
    const byName = (name: string) => start.items.find((i) => i.folder && i.name === name);
    const documents = byName("Documents");
    const reports = byName("Reports");
    const projects = byName("Projects");
    if (!documents || !reports || !projects) throw new Error("seeded folders missing");
    // A file (or, failing that, a new one) inside Reports, two levels below the renamed folder.
    const inside = start.items.find((i) => i.file && i.parentReference?.id === reports.id) ?? ((await client.api(`/drives/${driveId}/items/${reports.id}:/inside.txt:/content`).put(Buffer.from("inside"))) as DriveItem);
    const base = await collectPages<DriveItem>(client, `/drives/${driveId}/root/delta`);

    const renamed = (await client.api(`/drives/${driveId}/items/${documents.id}`).patch({ name: "Documents 2024" })) as DriveItem;
    expect(renamed).toMatchObject({ id: documents.id, name: "Documents 2024" });
    expect(((await client.api(`/drives/${driveId}/items/${documents.id}`).get()) as DriveItem).name).toBe("Documents 2024");
    let child = (await client.api(`/drives/${driveId}/items/${inside.id}`).get()) as DriveItem & { parentReference: { path: string } };
    expect(child.parentReference.path).toBe(`/drives/${driveId}/root:/Documents 2024/Reports`);
    expect((await driveTruth()).find((t) => t.id === inside.id)?.path).toBe(`/Documents 2024/Reports/${inside.name}`);

    const moved = (await client.api(`/drives/${driveId}/items/${reports.id}`).patch({ parentReference: { id: projects.id } })) as DriveItem & { parentReference: { path: string } };
    expect(moved.parentReference).toMatchObject({ id: projects.id, path: `/drives/${driveId}/root:/Projects` });
    child = (await client.api(`/drives/${driveId}/items/${inside.id}`).get()) as typeof child;
    expect(child.parentReference.path).toBe(`/drives/${driveId}/root:/Projects/Reports`);
    expect((await driveTruth()).find((t) => t.id === inside.id)?.path).toBe(`/Projects/Reports/${inside.name}`);
    const listed = (await client.api(`/drives/${driveId}/items/${projects.id}/children`).get()) as { value: DriveItem[] };
    expect(listed.value.map((i) => i.id)).toContain(reports.id);
    // A folder cannot go below itself.
    expect((await failure(client.api(`/drives/${driveId}/items/${projects.id}`).middlewareOptions(noRetry).patch({ parentReference: { id: reports.id } }))).statusCode).toBe(400);

    // Graph's delta reports the renamed/moved folders themselves; their descendants are unchanged items.
    const round = await collectPages<DriveItem>(client, String(base.last["@odata.deltaLink"]));
    expect(round.items.map((i) => i.id).sort()).toEqual([documents.id, reports.id].sort());
    expect(round.items.find((i) => i.id === documents.id)?.name).toBe("Documents 2024");
    expect(round.items.find((i) => i.id === reports.id)?.parentReference?.id).toBe(projects.id);
  });

  it("lists seeded permissions, deterministically", async () => {
    const files = ((await client.api(`/drives/${driveId}/root/delta`).get()) as { value: DriveItem[] }).value.filter((i) => i.file).slice(0, 12);
    const all = [];
    for (const f of files) all.push(((await client.api(`/drives/${driveId}/items/${f.id}/permissions`).get()) as { value: { roles: string[]; link?: object; grantedToV2?: { user?: { email: string } } }[] }).value);
    for (const p of all) expect(p[0]).toMatchObject({ roles: ["owner"], grantedToV2: { user: { email: upn } } });
    expect(all.some((p) => p.some((x) => x.link))).toBe(true);
    const again = ((await client.api(`/drives/${driveId}/items/${files[0]?.id}/permissions`).get()) as { value: unknown[] }).value;
    expect(again).toEqual(all[0]);
  });

  it("writes to a SharePoint document library through /sites/{id}/drive", async () => {
    const site = ((await client.api("/sites/root").get()) as { id: string }).id;
    const content = Buffer.from("site policy v1");
    const item = (await client.api(`/sites/${site}/drive/root:/Policies/policy.txt:/content`).put(content)) as DriveItem;
    const lib = (await manifest()).sites.find((s) => s.id === site)?.drive.items ?? [];
    expect(lib.find((t) => t.id === item.id)).toMatchObject({ path: "/Policies/policy.txt", sha256: sha(content) });
    const perms = ((await client.api(`/sites/${site}/drive/items/${item.id}/permissions`).get()) as { value: { roles: string[]; grantedToV2?: { siteGroup?: object } }[] }).value;
    expect(perms[0]?.grantedToV2?.siteGroup).toBeDefined();
  });

  it("refuses writes without a write permission", async () => {
    const readOnly = await registerMsApp(h, ["Files.Read.All"]);
    await adminConsent(h, tenant.tenantId, readOnly);
    const reader = graphClient(h, await appToken(h, tenant.tenantId, readOnly));
    const err = await failure(reader.api(`/drives/${driveId}/root:/nope.txt:/content`).middlewareOptions(noRetry).put(Buffer.from("x")));
    expect(err.statusCode).toBe(403);
  });
});
