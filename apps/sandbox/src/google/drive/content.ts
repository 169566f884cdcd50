// File bodies for the Drive emulation. Seeded content is a pure function of (key, size) and is
// produced in 64 KiB chunks on demand, so a multi-MiB file costs no memory and any byte range
// can be served by generating only the chunks it covers. Only uploaded or mutated revisions
// hold bytes.
import { createHash } from "node:crypto";
import { Rng } from "../../data/random";
import { csvOf, DOCX, docxOf, XLSX, xlsxOf } from "./office";

export const CHUNK = 64 * 1024;

export type Content =
  | { kind: "gen"; key: string; size: number; text: boolean; magic?: string }
  | { kind: "bytes"; bytes: Buffer }
  /**
   * A Google-native document: no bytes of its own, only export formats. Seeded ones are generated
   * from `key` (`paragraphs` paragraphs or rows); converted uploads carry their text: `text`
   * (a Doc's paragraphs) or `rows` (a Sheet's cells).
   */
  | { kind: "doc"; key: string; paragraphs: number; sheet: boolean; text?: string[]; rows?: string[][] };

const LETTERS = Buffer.from("etaoinshrdlucmfwypvbgkjqxz etaoinshr   \n");

function chunk(c: Extract<Content, { kind: "gen" }>, i: number): Buffer {
  const len = Math.min(CHUNK, c.size - i * CHUNK);
  const b = Rng.from("gd-chunk", c.key, i).bytes(len);
  if (c.text) for (let k = 0; k < b.length; k++) b[k] = LETTERS[(b[k] ?? 0) % LETTERS.length] ?? 32;
  if (i === 0 && c.magic) Buffer.from(c.magic, "latin1").copy(b, 0, 0, Math.min(len, c.magic.length));
  return b;
}

export function contentSize(c: Content): number | undefined {
  if (c.kind === "gen") return c.size;
  if (c.kind === "bytes") return c.bytes.length;
  return undefined;
}

/** Bytes [start, end] (inclusive) of a binary content, chunk by chunk. */
export function* byteRange(c: Content, start = 0, end?: number): Generator<Buffer> {
  const size = contentSize(c) ?? 0;
  const last = Math.min(end ?? size - 1, size - 1);
  if (start > last) return;
  if (c.kind === "bytes") {
    for (let p = start; p <= last; p += CHUNK) yield c.bytes.subarray(p, Math.min(p + CHUNK, last + 1));
    return;
  }
  if (c.kind !== "gen") return;
  for (let i = Math.floor(start / CHUNK); i * CHUNK <= last; i++) {
    const b = chunk(c, i);
    const from = Math.max(0, start - i * CHUNK);
    const to = Math.min(b.length, last + 1 - i * CHUNK);
    yield from === 0 && to === b.length ? b : b.subarray(from, to);
  }
}

export function readAll(c: Content): Buffer {
  return Buffer.concat([...byteRange(c)]);
}

export function contentSha256(c: Content): string {
  const h = createHash("sha256");
  if (c.kind === "doc") h.update(exportBytes(c, c.sheet ? "text/csv" : "text/plain") ?? Buffer.alloc(0));
  else for (const b of byteRange(c)) h.update(b);
  return h.digest("hex");
}

export function contentMd5(c: Content): string | undefined {
  if (c.kind === "doc") return undefined;
  const h = createHash("md5");
  for (const b of byteRange(c)) h.update(b);
  return h.digest("hex");
}

const WORDS = ["backup", "quarterly", "restore", "budget", "customer", "roadmap", "meeting", "invoice", "policy", "draft", "review", "launch", "archive", "contract", "summary"];

/** A Doc's paragraphs. */
export function docParagraphs(c: Extract<Content, { kind: "doc" }>): string[] {
  if (c.text) return c.text;
  const rng = Rng.from("gd-doc", c.key);
  return Array.from({ length: c.paragraphs }, () => Array.from({ length: 8 + rng.int(30) }, () => rng.pick(WORDS)).join(" ") + ".");
}

/** A Sheet's cells, header row first. */
export function sheetRows(c: Extract<Content, { kind: "doc" }>): string[][] {
  if (c.rows) return c.rows;
  const rng = Rng.from("gd-doc", c.key);
  const rows = [["row", "item", "amount"]];
  for (let p = 0; p < c.paragraphs; p++) rows.push([String(p + 1), rng.pick(WORDS), String(rng.int(100_000) / 100)]);
  return rows;
}

/** The document as plain text: a Doc's text/plain export (BOM, paragraphs), a Sheet's CSV. */
function docText(c: Extract<Content, { kind: "doc" }>): string {
  if (c.sheet) return csvOf(sheetRows(c));
  return `\uFEFF${docParagraphs(c).join("\r\n\r\n")}\r\n`;
}

/**
 * Export formats per native type: a subset of the documented export MIME types
 * (https://developers.google.com/drive/api/guides/ref-export-formats). PDF is a minimal one-page
 * document carrying the text; it opens in viewers but is not typeset. docx / xlsx are minimal
 * Office Open XML packages with the text (office.ts).
 */
export const EXPORT_FORMATS: Record<string, string[]> = {
  "application/vnd.google-apps.document": ["text/plain", "text/html", "application/pdf", DOCX],
  "application/vnd.google-apps.spreadsheet": ["text/csv", "application/pdf", XLSX],
};

export function exportBytes(c: Content, mimeType: string): Buffer | undefined {
  if (c.kind !== "doc") return undefined;
  const text = docText(c);
  switch (mimeType) {
    case "text/plain":
    case "text/csv":
      return Buffer.from(text, "utf8");
    case "text/html":
      return Buffer.from(`<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"></head><body>${docParagraphs(c)
        .map((p) => `<p>${p.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`)
        .join("")}</body></html>`);
    case DOCX:
      return c.sheet ? undefined : docxOf(docParagraphs(c));
    case XLSX:
      return c.sheet ? xlsxOf(sheetRows(c)) : undefined;
    case "application/pdf":
      return minimalPdf(text.replace(/^\uFEFF/, "").slice(0, 2_000));
  }
  return undefined;
}

function minimalPdf(text: string): Buffer {
  const escaped = text.replace(/[\\()]/g, "\\$&").replace(/\r?\n/g, " ");
  const stream = `BT /F1 10 Tf 40 800 Td (${escaped}) Tj ET`;
  const objs = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
