// Drive export to Office formats and import with conversion, through googleapis: docx / xlsx
// exports are deterministic OOXML packages carrying the document's text (the same text as the
// text/plain or text/csv export), an Office upload with a Docs Editors mimeType becomes a native
// document, and export → import → export keeps the text (and the manifest's sha256, which hashes
// natives by their text/plain or text/csv export). Also: revisions and export reach shared-drive
// files without supportsAllDrives, which those methods do not have.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { google, type drive_v3 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { readZip } from "../src/google/drive/zip";
import { googleRoot, startSandbox, userToken, type Harness } from "./harness";

const DRIVE = "https://www.googleapis.com/auth/drive";
const DOC = "application/vnd.google-apps.document";
const SHEET = "application/vnd.google-apps.spreadsheet";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

interface DriveItem {
  id: string;
  mimeType: string;
  sha256?: string;
  sha256Of?: string;
  revisions?: number;
}
interface DriveUnit {
  kind: string;
  email?: string;
  items: DriveItem[];
}

let h: Harness;
let tenant: TenantSummary;
let api: drive_v3.Drive;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function units(): Promise<DriveUnit[]> {
  return (await h.control<{ drives: DriveUnit[] }>("GET", `/_control/tenants/${tenant.id}/manifest`)).body.drives;
}
async function exported(fileId: string, mimeType: string): Promise<{ bytes: Buffer; type: string | null }> {
  const res = await api.files.export({ fileId, mimeType }, { responseType: "arraybuffer" });
  return { bytes: Buffer.from(res.data as ArrayBuffer), type: (res.headers as unknown as Headers).get("content-type") };
}
async function upload(name: string, mimeType: string, mediaType: string, body: Buffer): Promise<drive_v3.Schema$File> {
  const res = await api.files.create({ requestBody: { name, mimeType }, media: { mimeType: mediaType, body: Readable.from([body]) }, fields: "id,mimeType,name" }, { rootUrl: googleRoot(h.url) });
  return res.data;
}
/** Text of every <w:t> per <w:p>, read straight from the package XML. */
function docxText(bytes: Buffer): string[] {
  const xml = readZip(bytes).get("word/document.xml")?.toString("utf8") ?? "";
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p\/>/g)].map((p) => [...(p[1] ?? "").matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""));
}

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 78, users: 2, itemsPerUser: 120 });
  api = google.drive({ version: "v3", auth: await userToken(h, tenant.adminEmail, [DRIVE]), rootUrl: googleRoot(h.url) });
});
afterAll(() => h.close());

describe("export to Office formats", () => {
  it("exports a Doc as a docx package with the document's paragraphs, byte-identical each time", async () => {
    const mine = (await units()).find((u) => u.email === tenant.adminEmail);
    const doc = mine?.items.find((i) => i.mimeType === DOC);
    if (!doc) throw new Error("no native document");
    const a = await exported(doc.id, DOCX);
    expect(a.type).toBe(DOCX);
    expect(a.bytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
    expect((await exported(doc.id, DOCX)).bytes.equals(a.bytes)).toBe(true);
    const parts = readZip(a.bytes);
    expect([...parts.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
    expect(parts.get("[Content_Types].xml")?.toString()).toContain('PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"');
    const plain = (await exported(doc.id, "text/plain")).bytes.toString("utf8");
    expect(sha(Buffer.from(plain, "utf8"))).toBe(doc.sha256);
    expect(docxText(a.bytes)).toEqual(plain.replace(/^\uFEFF/, "").replace(/\r\n$/, "").split("\r\n\r\n"));
  });

  it("exports a Sheet as an xlsx package whose cells are the CSV export's", async () => {
    const mine = (await units()).find((u) => u.email === tenant.adminEmail);
    const sheet = mine?.items.find((i) => i.mimeType === SHEET);
    if (!sheet) throw new Error("no native sheet");
    const x = await exported(sheet.id, XLSX);
    expect(x.type).toBe(XLSX);
    const parts = readZip(x.bytes);
    expect([...parts.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"]);
    const csv = (await exported(sheet.id, "text/csv")).bytes.toString("utf8");
    const rows = csv.replace(/\r\n$/, "").split("\r\n").map((l) => l.split(","));
    const xml = parts.get("xl/worksheets/sheet1.xml")?.toString("utf8") ?? "";
    const cells = [...xml.matchAll(/<row r="(\d+)">([\s\S]*?)<\/row>/g)].map((r) => [...(r[2] ?? "").matchAll(/<c r="[A-Z]+\d+"(?: t="inlineStr")?>(?:<v>([^<]*)<\/v>|<is><t[^>]*>([^<]*)<\/t><\/is>)<\/c>/g)].map((c) => c[1] ?? c[2]));
    expect(cells).toEqual(rows);
    expect(xml).toMatch(/<c r="A2"><v>1<\/v><\/c>/);
    // Formats a Sheet does not export to are refused; a Doc does not export to xlsx.
    const doc = mine?.items.find((i) => i.mimeType === DOC);
    await expect(api.files.export({ fileId: doc?.id ?? "", mimeType: XLSX })).rejects.toMatchObject({ status: 400 });
    await expect(api.files.export({ fileId: sheet.id, mimeType: DOCX })).rejects.toMatchObject({ status: 400 });
  });

  it("lists the Office formats among a native file's exportLinks", async () => {
    const doc = (await api.files.list({ q: `mimeType = '${DOC}'`, pageSize: 1, fields: "files(id,exportLinks)" })).data.files?.[0];
    expect(Object.keys(doc?.exportLinks ?? {})).toEqual(expect.arrayContaining(["text/plain", "application/pdf", DOCX]));
  });
});

describe("import with conversion", () => {
  it("round-trips a Doc: export docx → upload as a Doc → the same text (and manifest sha256)", async () => {
    const mine = (await units()).find((u) => u.email === tenant.adminEmail);
    const doc = mine?.items.find((i) => i.mimeType === DOC);
    if (!doc) throw new Error("no native document");
    const docx = (await exported(doc.id, DOCX)).bytes;
    const created = await upload("Restored doc", DOC, DOCX, docx);
    expect(created).toMatchObject({ name: "Restored doc", mimeType: DOC });
    expect((await exported(created.id ?? "", "text/plain")).bytes.equals((await exported(doc.id, "text/plain")).bytes)).toBe(true);
    expect((await exported(created.id ?? "", DOCX)).bytes.equals(docx)).toBe(true);
    const item = (await units()).find((u) => u.email === tenant.adminEmail)?.items.find((i) => i.id === created.id);
    expect(item).toMatchObject({ sha256Of: "export:text/plain", sha256: doc.sha256 });
    // A native document has no bytes of its own.
    await expect(api.files.get({ fileId: created.id ?? "", alt: "media" })).rejects.toMatchObject({ status: 403 });
  });

  it("round-trips a Sheet through xlsx, and converts CSV and plain text", async () => {
    const mine = (await units()).find((u) => u.email === tenant.adminEmail);
    const sheet = mine?.items.find((i) => i.mimeType === SHEET);
    if (!sheet) throw new Error("no native sheet");
    const xlsx = (await exported(sheet.id, XLSX)).bytes;
    const created = await upload("Restored sheet", SHEET, XLSX, xlsx);
    expect(created.mimeType).toBe(SHEET);
    expect((await exported(created.id ?? "", "text/csv")).bytes.equals((await exported(sheet.id, "text/csv")).bytes)).toBe(true);
    const item = (await units()).find((u) => u.email === tenant.adminEmail)?.items.find((i) => i.id === created.id);
    expect(item).toMatchObject({ sha256Of: "export:text/csv", sha256: sheet.sha256 });

    const fromCsv = await upload("From CSV", SHEET, "text/csv", Buffer.from('name,note\r\nAda,"likes, commas"\r\n'));
    expect((await exported(fromCsv.id ?? "", "text/csv")).bytes.toString()).toBe('name,note\r\nAda,"likes, commas"\r\n');
    const fromText = await upload("From text", DOC, "text/plain", Buffer.from("first paragraph\n\nsecond\r\n\r\nthird\n"));
    expect(docxText((await exported(fromText.id ?? "", DOCX)).bytes)).toEqual(["first paragraph", "second", "third"]);
    // The text/plain export of a Doc uploads back to the very same document.
    const doc = mine?.items.find((i) => i.mimeType === DOC);
    const plain = (await exported(doc?.id ?? "", "text/plain")).bytes;
    const again = await upload("Restored from text", DOC, "text/plain", plain);
    expect((await exported(again.id ?? "", "text/plain")).bytes.equals(plain)).toBe(true);
  });

  it("refuses conversions it cannot do and Office files that are not, naming the problem", async () => {
    await expect(upload("img", DOC, "image/png", Buffer.from("\x89PNG\r\n\x1a\n", "latin1"))).rejects.toThrow(/Conversion from image\/png/);
    await expect(upload("bad", DOC, DOCX, Buffer.from("not a zip"))).rejects.toThrow(/could not be converted: not a valid docx file/);
    await expect(upload("wrong", SHEET, DOCX, Buffer.from("x"))).rejects.toMatchObject({ status: 400 });
  });
});

describe("shared-drive files on methods without supportsAllDrives", () => {
  it("serves revisions.list/get and files.export without the parameter, files.get still needs it", async () => {
    const shared = (await units()).find((u) => u.kind === "sharedDrive");
    const bin = shared?.items.find((i) => i.sha256Of === "content" && (i.revisions ?? 0) >= 1);
    const native = shared?.items.find((i) => i.mimeType === DOC || i.mimeType === SHEET);
    if (!bin || !native) throw new Error("shared drive lacks a binary or a native file");
    await expect(api.files.get({ fileId: bin.id })).rejects.toMatchObject({ status: 404 });
    const revs = (await api.revisions.list({ fileId: bin.id })).data.revisions ?? [];
    expect(revs).toHaveLength(bin.revisions ?? 0);
    const head = revs[revs.length - 1];
    const got = await api.revisions.get({ fileId: bin.id, revisionId: head?.id ?? "", alt: "media" }, { responseType: "arraybuffer" });
    expect(sha(Buffer.from(got.data as unknown as ArrayBuffer))).toBe(bin.sha256);
    expect((await api.revisions.get({ fileId: native.id, revisionId: "head" })).data.id).toBeTruthy();
    const text = await exported(native.id, native.mimeType === DOC ? "text/plain" : "text/csv");
    expect(sha(text.bytes)).toBe(native.sha256);
  });
});
