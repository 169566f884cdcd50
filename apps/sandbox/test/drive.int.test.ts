// Drive v3 through the official googleapis client: paging and q, alt=media bytes against the
// manifest's SHA-256, Range downloads, export of native documents, revisions, shared drives,
// changes after control-API mutations with the expired-token error, permissions, and the three
// upload types. googleapis only sends multipart for media (it has no resumable upload of its
// own), so the resumable session is started and fed with fetch, as a restore worker streaming
// a large file would.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { OAuth2Client } from "google-auth-library";
import { google, type drive_v3 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { googleRoot, httpStatus, startSandbox, userToken, type Harness } from "./harness";

const DRIVE = "https://www.googleapis.com/auth/drive";
const DOC = "application/vnd.google-apps.document";
const FOLDER = "application/vnd.google-apps.folder";

interface DriveItem {
  id: string;
  path: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  size?: number | null;
  sha256?: string;
  sha256Of?: string;
  headRevisionId?: string;
  revisions?: number;
}
interface DriveUnit {
  id: string;
  kind: string;
  email?: string;
  items: DriveItem[];
}

let h: Harness;
let tenant: TenantSummary;
let auth: OAuth2Client;
let api: drive_v3.Drive;

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
async function drives(): Promise<DriveUnit[]> {
  const res = await h.control<{ drives: DriveUnit[] }>("GET", `/_control/tenants/${tenant.id}/manifest`);
  expect(res.status).toBe(200);
  return res.body.drives;
}
async function myDrive(): Promise<DriveUnit> {
  const d = (await drives()).find((u) => u.email === tenant.adminEmail);
  if (!d) throw new Error("no drive");
  return d;
}
async function download(fileId: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer; header: (name: string) => string | null }> {
  const res = await api.files.get({ fileId, alt: "media" }, { responseType: "arraybuffer", headers });
  const h = res.headers as unknown as Headers;
  return { status: res.status, bytes: Buffer.from(res.data as unknown as ArrayBuffer), header: (name) => h.get(name) };
}
function googleError(err: unknown): { reason?: string; location?: string } | undefined {
  return (err as { response?: { data?: { error?: { errors?: { reason?: string; location?: string }[] } } } }).response?.data?.error?.errors?.[0];
}
async function token(): Promise<string> {
  const t = await auth.getAccessToken();
  if (!t.token) throw new Error("no token");
  return t.token;
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 77, users: 2, itemsPerUser: 120 });
  auth = await userToken(h, tenant.adminEmail, [DRIVE]);
  api = google.drive({ version: "v3", auth, rootUrl: googleRoot(h.url) });
});
afterAll(() => h.close());

describe("files.list", () => {
  it("pages through My Drive in the manifest's order, with q filters", async () => {
    const truth = await myDrive();
    expect(truth.items.length).toBe(125);
    const ids: string[] = [];
    const pages: number[] = [];
    let pageToken: string | undefined;
    do {
      const res = await api.files.list({ pageSize: 50, pageToken, fields: "nextPageToken, files(id, name, mimeType, parents, size)" });
      pages.push(res.data.files?.length ?? 0);
      ids.push(...(res.data.files ?? []).map((f) => f.id ?? ""));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(pages).toEqual([50, 50, 25]);
    expect(ids).toEqual(truth.items.map((i) => i.id));

    const root = (await api.files.get({ fileId: "root", fields: "id" })).data.id;
    const inRoot = await api.files.list({ q: "'root' in parents and trashed = false", pageSize: 1000 });
    expect(inRoot.data.files?.map((f) => f.id)).toEqual(truth.items.filter((i) => i.parents.includes(root ?? "")).map((i) => i.id));
    const docs = await api.files.list({ q: `mimeType = '${DOC}'`, pageSize: 1000 });
    expect(docs.data.files?.length).toBe(truth.items.filter((i) => i.mimeType === DOC).length);
    // Without `fields`, v3 answers only kind, id, name and mimeType.
    expect(Object.keys(docs.data.files?.[0] ?? {}).sort()).toEqual(["id", "kind", "mimeType", "name"]);
  });

  it("rejects a query it does not understand and an invalid page size", async () => {
    await expect(api.files.list({ q: "modifiedTime > '2020-01-01'" })).rejects.toMatchObject({ status: 400 });
    await expect(api.files.list({ pageSize: 5000 })).rejects.toMatchObject({ status: 400 });
  });
});

describe("downloads and exports", () => {
  it("streams alt=media bytes that match the manifest SHA-256, and serves Range requests", async () => {
    const truth = await myDrive();
    const binaries = truth.items.filter((i) => i.sha256Of === "content").sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
    const big = binaries[0];
    if (!big?.sha256 || !big.size) throw new Error("no binary file");
    expect(big.size).toBeGreaterThan(64 * 1024);
    const full = await download(big.id);
    expect(full.bytes.length).toBe(big.size);
    expect(sha(full.bytes)).toBe(big.sha256);
    for (const small of binaries.slice(-3)) expect(sha((await download(small.id)).bytes)).toBe(small.sha256);

    const part = await download(big.id, { Range: "bytes=65530-70000" });
    expect(part.status).toBe(206);
    expect(part.header("content-range")).toBe(`bytes 65530-70000/${big.size}`);
    expect(part.bytes.equals(full.bytes.subarray(65530, 70001))).toBe(true);
    const tail = await download(big.id, { Range: "bytes=-100" });
    expect(tail.bytes.equals(full.bytes.subarray(big.size - 100))).toBe(true);
  });

  it("exports native documents (text/plain matches the manifest) and refuses to download them", async () => {
    const doc = (await myDrive()).items.find((i) => i.mimeType === DOC);
    if (!doc) throw new Error("no doc");
    expect(doc.sha256Of).toBe("export:text/plain");
    const text = await api.files.export({ fileId: doc.id, mimeType: "text/plain" }, { responseType: "arraybuffer" });
    expect(sha(Buffer.from(text.data as ArrayBuffer))).toBe(doc.sha256);
    const pdf = await api.files.export({ fileId: doc.id, mimeType: "application/pdf" }, { responseType: "arraybuffer" });
    expect(Buffer.from(pdf.data as ArrayBuffer).subarray(0, 5).toString()).toBe("%PDF-");
    const e = await download(doc.id).catch((err: unknown) => err);
    expect(httpStatus(e)).toBe(403);
    expect(googleError(e)?.reason).toBe("fileNotDownloadable");
    await expect(api.files.export({ fileId: doc.id, mimeType: "image/gif" })).rejects.toMatchObject({ status: 400 });
    const bin = (await myDrive()).items.find((i) => i.sha256Of === "content");
    await expect(api.files.export({ fileId: bin?.id ?? "", mimeType: "text/plain" })).rejects.toMatchObject({ status: 403 });
  });

  it("lists revisions and downloads an older binary revision", async () => {
    const truth = await myDrive();
    const multi = truth.items.find((i) => i.sha256Of === "content" && (i.revisions ?? 0) > 1);
    if (!multi) throw new Error("no file with revisions");
    const revs = (await api.revisions.list({ fileId: multi.id })).data.revisions ?? [];
    expect(revs.length).toBe(multi.revisions);
    expect(revs[revs.length - 1]?.id).toBe(multi.headRevisionId);
    const old = revs[0];
    const res = await api.revisions.get({ fileId: multi.id, revisionId: old?.id ?? "", alt: "media" }, { responseType: "arraybuffer" });
    const bytes = Buffer.from(res.data as unknown as ArrayBuffer);
    expect(bytes.length).toBe(Number(old?.size));
    expect(createHash("md5").update(bytes).digest("hex")).toBe(old?.md5Checksum);
    expect(sha(bytes)).not.toBe(multi.sha256);
  });

  it("returns 404 for unknown files and lists the owner permission", async () => {
    await expect(api.files.get({ fileId: "1doesnotexist" })).rejects.toMatchObject({ status: 404 });
    const f = (await myDrive()).items[7];
    const perms = await api.permissions.list({ fileId: f?.id ?? "" });
    expect(perms.data.permissions?.[0]).toMatchObject({ role: "owner", type: "user", emailAddress: tenant.adminEmail });
  });
});

describe("shared drives", () => {
  it("lists the shared drive and its files only when the caller opts in", async () => {
    const shared = (await drives()).find((d) => d.kind === "sharedDrive");
    if (!shared) throw new Error("no shared drive");
    const list = await api.drives.list({});
    expect(list.data.drives?.map((d) => d.id)).toEqual([shared.id]);
    const files = await api.files.list({ corpora: "drive", driveId: shared.id, includeItemsFromAllDrives: true, supportsAllDrives: true, pageSize: 1000, fields: "files(id,driveId)" });
    expect(files.data.files?.map((f) => f.id)).toEqual(shared.items.map((i) => i.id));
    expect(files.data.files?.every((f) => f.driveId === shared.id)).toBe(true);
    await expect(api.files.list({ corpora: "drive", driveId: shared.id })).rejects.toMatchObject({ status: 403 });
    const one = shared.items.find((i) => i.sha256Of === "content");
    await expect(api.files.get({ fileId: one?.id ?? "" })).rejects.toMatchObject({ status: 404 });
    const got = await api.files.get({ fileId: one?.id ?? "", supportsAllDrives: true, alt: "media" }, { responseType: "arraybuffer" });
    expect(sha(Buffer.from(got.data as unknown as ArrayBuffer))).toBe(one?.sha256);
  });
});

describe("faults", () => {
  it("answers an injected 503 on a Drive path in Google's envelope, then recovers", async () => {
    const set = await h.control("POST", "/_control/faults", { provider: "google", path: "/drive/v3/files", status: 503, times: 1, retryAfter: 2 });
    expect(set.status).toBe(201);
    const err = await api.files.list({}, { retry: false }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(503);
    expect(googleError(err)?.reason).toBe("backendError");
    expect((await api.files.list({})).status).toBe(200);
    await h.control("DELETE", "/_control/faults");
  });
});

describe("large files", () => {
  it("streams a multi-MiB file (responseType stream) whose SHA-256 matches, with a Range at its end", async () => {
    const shared = (await drives()).find((d) => d.kind === "sharedDrive");
    const large = shared?.items.find((i) => (i.size ?? 0) > 2 * 1024 * 1024);
    if (!large?.size) throw new Error("the seed has no large file in the shared drive");
    const res = await api.files.get({ fileId: large.id, alt: "media", supportsAllDrives: true }, { responseType: "stream" });
    const hash = createHash("sha256");
    let chunks = 0;
    for await (const chunk of res.data as unknown as AsyncIterable<Buffer>) {
      hash.update(chunk);
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(hash.digest("hex")).toBe(large.sha256);
    const tail = await api.files.get({ fileId: large.id, alt: "media", supportsAllDrives: true }, { responseType: "arraybuffer", headers: { Range: `bytes=${large.size - 1000}-` } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(tail.data as unknown as ArrayBuffer).length).toBe(1000);
  });
});

describe("changes", () => {
  it("reports edits, trashing and deletions after the start token, then expires", async () => {
    const start = (await api.changes.getStartPageToken({})).data.startPageToken ?? "";
    const empty = await api.changes.list({ pageToken: start });
    expect(empty.data.changes).toEqual([]);
    expect(empty.data.newStartPageToken).toBe(start);

    const mutations = [] as { id: string; action: string; trashed?: boolean }[];
    for (const kind of ["edit", "delete", "ransomware"]) {
      const res = await h.control<{ touched: { unit: string; id: string; action: string; trashed?: boolean }[] }>("POST", `/_control/tenants/${tenant.id}/mutations`, { kind, service: "drive", fraction: 0.05, seed: 3, units: [tenant.adminEmail] });
      expect(res.status).toBe(200);
      mutations.push(...res.body.touched);
    }
    expect(mutations.length).toBeGreaterThan(3);
    const seen: drive_v3.Schema$Change[] = [];
    let pageToken: string | undefined = start;
    let newStart: string | undefined;
    while (pageToken) {
      const res: { data: drive_v3.Schema$ChangeList } = await api.changes.list({ pageToken, pageSize: 2, fields: "*" });
      seen.push(...(res.data.changes ?? []));
      pageToken = res.data.nextPageToken ?? undefined;
      newStart = res.data.newStartPageToken ?? undefined;
    }
    expect(new Set(seen.map((c) => c.fileId))).toEqual(new Set(mutations.map((m) => m.id)));
    const deleted = mutations.find((m) => m.action === "deleted" && m.trashed === false);
    if (deleted) expect(seen.find((c) => c.fileId === deleted.id)).toMatchObject({ removed: true });
    const trashed = mutations.find((m) => m.action === "deleted" && m.trashed === true);
    if (trashed) expect(seen.find((c) => c.fileId === trashed.id)?.file?.trashed).toBe(true);
    expect(Number(newStart)).toBeGreaterThan(Number(start));

    // Bytes after ransomware no longer match what the manifest held before, but match it now.
    const enc = mutations.find((m) => m.action === "encrypted");
    if (enc) {
      const now = (await myDrive()).items.find((i) => i.id === enc.id);
      expect(sha((await download(enc.id)).bytes)).toBe(now?.sha256);
    }

    const expire = await h.control("POST", `/_control/tenants/${tenant.id}/expire-history`, { units: [tenant.adminEmail] });
    expect(expire.status).toBe(200);
    const err = await api.changes.list({ pageToken: newStart ?? "" }).catch((e: unknown) => e);
    expect(httpStatus(err)).toBe(400);
    expect(googleError(err)).toMatchObject({ reason: "invalid", location: "pageToken" });
    const fresh = (await api.changes.getStartPageToken({})).data.startPageToken ?? "";
    expect((await api.changes.list({ pageToken: fresh })).data.changes).toEqual([]);
  });
});

describe("uploads", () => {
  it("creates a file with a multipart upload and replaces its content with a media update", async () => {
    const folder = await api.files.create({ requestBody: { name: "Restored", mimeType: FOLDER } });
    const body = Buffer.from("restored bytes\u0000\u00ff", "latin1");
    // googleapis builds media-upload URLs from the per-call rootUrl only (as for Gmail).
    const created = await api.files.create({ requestBody: { name: "a.bin", parents: [folder.data.id ?? ""] }, media: { mimeType: "application/octet-stream", body: Readable.from([body]) }, fields: "id,size,parents,md5Checksum" }, { rootUrl: googleRoot(h.url) });
    expect(created.data.size).toBe(String(body.length));
    expect(created.data.parents).toEqual([folder.data.id]);
    expect((await download(created.data.id ?? "")).bytes.equals(body)).toBe(true);
    const next = Buffer.from("second version");
    await api.files.update({ fileId: created.data.id ?? "", media: { mimeType: "text/plain", body: Readable.from([next]) } }, { rootUrl: googleRoot(h.url) });
    expect((await download(created.data.id ?? "")).bytes.equals(next)).toBe(true);
    expect((await api.revisions.list({ fileId: created.data.id ?? "" })).data.revisions).toHaveLength(2);
    const inFolder = await api.files.list({ q: `'${folder.data.id}' in parents` });
    expect(inFolder.data.files?.map((f) => f.id)).toEqual([created.data.id]);
  });

  it("takes a resumable upload in several chunks with 308 Resume Incomplete", async () => {
    const bearer = { authorization: `Bearer ${await token()}` };
    const total = 256 * 1024 * 2 + 1000;
    const body = Buffer.alloc(total);
    for (let i = 0; i < total; i++) body[i] = (i * 31) % 251;
    const init = await fetch(`${h.url}/upload/drive/v3/files?uploadType=resumable`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json; charset=UTF-8", "x-upload-content-type": "application/octet-stream", "x-upload-content-length": String(total) },
      body: JSON.stringify({ name: "big.bin" }),
    });
    expect(init.status).toBe(200);
    const session = init.headers.get("location") ?? "";
    expect(session).toContain("upload_id=");
    const put = (start: number, end: number) =>
      fetch(session, { method: "PUT", headers: { ...bearer, "content-range": `bytes ${start}-${end}/${total}` }, body: body.subarray(start, end + 1) });
    const first = await put(0, 256 * 1024 - 1);
    expect(first.status).toBe(308);
    expect(first.headers.get("range")).toBe(`bytes=0-${256 * 1024 - 1}`);
    // A repeated chunk (the client missed our answer) is not applied twice.
    const again = await put(0, 256 * 1024 - 1);
    expect(again.status).toBe(308);
    expect(again.headers.get("range")).toBe(`bytes=0-${256 * 1024 - 1}`);
    const status = await fetch(session, { method: "PUT", headers: { ...bearer, "content-range": `bytes */${total}` } });
    expect(status.status).toBe(308);
    expect((await put(256 * 1024, 512 * 1024 - 1)).status).toBe(308);
    const last = await put(512 * 1024, total - 1);
    expect(last.status).toBe(200);
    const file = (await last.json()) as { id: string; name: string };
    expect(file.name).toBe("big.bin");
    const got = await download(file.id);
    expect(sha(got.bytes)).toBe(sha(body));
    const listed = (await myDrive()).items.find((i) => i.id === file.id);
    expect(listed).toMatchObject({ size: total, sha256: sha(body), path: "/big.bin" });
  });

  it("refuses writes without a write scope", async () => {
    const ro = await userToken(h, tenant.adminEmail, ["https://www.googleapis.com/auth/drive.readonly"]);
    const roApi = google.drive({ version: "v3", auth: ro, rootUrl: googleRoot(h.url) });
    expect((await roApi.files.list({})).status).toBe(200);
    await expect(roApi.files.create({ requestBody: { name: "x" }, media: { body: Readable.from(["x"]) } }, { rootUrl: googleRoot(h.url) })).rejects.toMatchObject({ status: 403 });
  });
});
