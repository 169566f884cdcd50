// Office Open XML (ECMA-376) for Drive's export to and import from Office formats
// (https://developers.google.com/drive/api/guides/ref-export-formats, and "Import to Google Docs
// types" in manage-uploads). The sandbox's native documents are text only — a Doc is a list of
// paragraphs, a Sheet a grid of cell strings — so the packages are the smallest ones Word and
// Excel open: a docx with one <w:p> per paragraph (tabs and line breaks as <w:tab/>/<w:br/>), an
// xlsx with one worksheet "Sheet1" whose cells are numbers when the text is a plain decimal and
// inline strings otherwise. No styles, fonts, images or metadata parts. Output is deterministic
// (see zip.ts). The readers take any well-formed package: the docx body's paragraphs (runs'
// text, tabs and breaks; tables' cell paragraphs in document order), and the first worksheet's
// cells (shared strings, inline strings, numbers, booleans), with the usual `w:` prefix assumed.
import { readZip, writeZip, ZipError } from "./zip";

export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export class OfficeError extends Error {}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

function esc(s: string): string {
  // XML 1.0 forbids most C0 controls; drop them rather than produce an unreadable part.
  const printable = [...s].filter((ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  });
  return printable.join("").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function unesc(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e] ?? "";
  });
}

function contentTypes(overrides: [string, string][]): string {
  return `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`).join("")}</Types>`;
}

const rels = (target: string, type = OFFICE_DOC_REL) => `${XML_DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${type}" Target="${target}"/></Relationships>`;

export function docxOf(paragraphs: string[]): Buffer {
  const body = paragraphs
    .map((p) => {
      const runs = p.split("\n").map((line) => line.split("\t").map((t) => (t ? `<w:t xml:space="preserve">${esc(t)}</w:t>` : "")).join("<w:tab/>")).join("<w:br/>");
      return runs ? `<w:p><w:r>${runs}</w:r></w:p>` : "<w:p/>";
    })
    .join("");
  const document = `${XML_DECL}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  return writeZip([
    { name: "[Content_Types].xml", data: Buffer.from(contentTypes([["/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"]])) },
    { name: "_rels/.rels", data: Buffer.from(rels("word/document.xml")) },
    { name: "word/document.xml", data: Buffer.from(document) },
  ]);
}

function columnName(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    if (ch < "A" || ch > "Z") break;
    n = n * 26 + (ch.charCodeAt(0) - 64);
  }
  return n - 1;
}

/** A cell is written as a number only when that reads back as the very same text. */
const isPlainNumber = (s: string) => /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/.test(s) && String(Number(s)) === s;

export function xlsxOf(rows: string[][]): Buffer {
  const data = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          if (v === "") return "";
          const ref = `${columnName(c)}${r + 1}`;
          return isPlainNumber(v) ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
        })
        .join("");
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join("");
  const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const sheet = `${XML_DECL}<worksheet xmlns="${main}"><sheetData>${data}</sheetData></worksheet>`;
  const workbook = `${XML_DECL}<workbook xmlns="${main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  return writeZip([
    {
      name: "[Content_Types].xml",
      data: Buffer.from(
        contentTypes([
          ["/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"],
          ["/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"],
        ]),
      ),
    },
    { name: "_rels/.rels", data: Buffer.from(rels("xl/workbook.xml")) },
    { name: "xl/workbook.xml", data: Buffer.from(workbook) },
    { name: "xl/_rels/workbook.xml.rels", data: Buffer.from(rels("worksheets/sheet1.xml", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")) },
    { name: "xl/worksheets/sheet1.xml", data: Buffer.from(sheet) },
  ]);
}

function open(bytes: Buffer, kind: string): Map<string, Buffer> {
  try {
    return readZip(bytes);
  } catch (err) {
    if (err instanceof ZipError) throw new OfficeError(`not a valid ${kind} file: ${err.message}`);
    throw err;
  }
}

/** The target of the package's main officeDocument relationship (`_rels/.rels`). */
function mainPart(parts: Map<string, Buffer>, fallback: string): string {
  const r = parts.get("_rels/.rels")?.toString("utf8") ?? "";
  for (const m of r.matchAll(/<Relationship\b[^>]*>/g)) {
    if (!m[0].includes('/officeDocument"')) continue;
    const target = /Target="([^"]+)"/.exec(m[0])?.[1];
    if (target) return target.replace(/^\//, "");
  }
  return fallback;
}

/** The paragraphs of a docx body, as plain text. */
export function docxParagraphs(bytes: Buffer): string[] {
  const parts = open(bytes, "docx");
  const name = mainPart(parts, "word/document.xml");
  const xml = parts.get(name)?.toString("utf8");
  if (!xml) throw new OfficeError(`not a valid docx file: no ${name}`);
  if (!/<w:document\b/.test(xml)) throw new OfficeError(`not a valid docx file: ${name} is not a WordprocessingML document`);
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? "";
  const out: string[] = [];
  for (const p of body.matchAll(/<w:p(?:\s[^>]*)?\/>|<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)) {
    let text = "";
    for (const t of (p[1] ?? "").matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:(?:br|cr)(?:\s[^>]*)?\/>/g)) {
      if (t[1] !== undefined) text += unesc(t[1]);
      else text += t[0].startsWith("<w:tab") ? "\t" : "\n";
    }
    out.push(text);
  }
  return out;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** The cells of an xlsx's first worksheet, row by row (missing cells are ""). */
export function xlsxRows(bytes: Buffer): string[][] {
  const parts = open(bytes, "xlsx");
  const wbName = mainPart(parts, "xl/workbook.xml");
  const dir = wbName.includes("/") ? wbName.slice(0, wbName.lastIndexOf("/") + 1) : "";
  const workbook = parts.get(wbName)?.toString("utf8");
  if (!workbook) throw new OfficeError(`not a valid xlsx file: no ${wbName}`);
  const firstSheet = /<sheet\b[^>]*>/.exec(workbook)?.[0] ?? "";
  const rid = /\sr:id="([^"]+)"/.exec(firstSheet)?.[1];
  const wbRels = parts.get(`${dir}_rels/${wbName.slice(dir.length)}.rels`)?.toString("utf8") ?? "";
  let sheetName = `${dir}worksheets/sheet1.xml`;
  for (const m of wbRels.matchAll(/<Relationship\b[^>]*>/g)) {
    if (rid && attr(m[0], "Id") === rid) {
      const target = attr(m[0], "Target") ?? "";
      sheetName = target.startsWith("/") ? target.slice(1) : dir + target;
    }
  }
  const sheet = parts.get(sheetName)?.toString("utf8");
  if (!sheet) throw new OfficeError(`not a valid xlsx file: no ${sheetName}`);
  const shared = [...(parts.get(`${dir}sharedStrings.xml`)?.toString("utf8") ?? "").matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((si) => texts(si[1] ?? ""));
  const rows: string[][] = [];
  let nextRow = 0;
  for (const row of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const r = Number(attr(row[1] ?? "", "r") ?? nextRow + 1) - 1;
    nextRow = r + 1;
    const cells: string[] = [];
    let nextCol = 0;
    for (const c of (row[2] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const a = c[1] ?? "";
      const ref = attr(a, "r");
      const col = ref ? columnIndex(ref) : nextCol;
      nextCol = col + 1;
      const type = attr(a, "t");
      const inner = c[2] ?? "";
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value = "";
      if (type === "s") value = shared[Number(v)] ?? "";
      else if (type === "inlineStr") value = texts(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? "");
      else if (type === "b") value = v === "1" ? "TRUE" : "FALSE";
      else if (v !== undefined) value = unesc(v);
      while (cells.length < col) cells.push("");
      cells[col] = value;
    }
    while (rows.length < r) rows.push([]);
    rows[r] = cells;
  }
  return rows;
}

/** The text of a rich-text run list (<t> elements, phonetic runs excluded). */
function texts(xml: string): string {
  return [...xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "").matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unesc(m[1] ?? "")).join("");
}

/** RFC 4180 CSV: cells with a comma, quote or line break are quoted; lines end with CRLF. */
export function csvOf(rows: string[][]): string {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? "").map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(",") + "\r\n").join("");
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new OfficeError("not a valid CSV file: unterminated quoted field");
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
