// Which safe preview suits an item version, decided from what the catalogue knows (its kind, its
// name's extension, the MIME type the connector recorded) — never from bytes a browser would sniff.
// Pure and dependency-free: the console's client bundle carries a copy (apps/web/src/lib/preview.ts)
// that a test keeps identical in behaviour.

export type PreviewType = "mail" | "text" | "image" | "pdf" | "none";

/** Items larger than this are not previewed (download them instead). */
export const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
/** Text beyond this is cut from a text preview (with a note saying so). */
export const TEXT_PREVIEW_MAX_CHARS = 1024 * 1024;

/** What previewTypeOf reads of an item version. */
export interface PreviewSubject {
  kind: string;
  name: string;
  metadata: Record<string, unknown>;
}

/** Raster formats a browser decodes without running anything. SVG is a document (scripts, links), never an image here. */
export const PREVIEW_IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  jpe: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

const TEXT_EXTENSIONS = new Set(["txt", "text", "csv", "tsv", "json", "md", "markdown", "log", "yaml", "yml", "xml", "ini", "cfg", "conf", "toml", "ics", "vcf", "srt", "sql", "rtx"]);
const TEXT_MIME = new Set(["application/json", "application/xml", "application/x-yaml", "application/yaml", "application/toml", "application/sql", "application/x-ndjson"]);
const MAIL_EXTENSIONS = new Set(["eml"]);
/** Google-native documents are stored as what Drive exported them to; only drawings default to PDF. */
const NATIVE_EXPORTS: Readonly<Record<string, string>> = { "application/vnd.google-apps.drawing": "application/pdf" };

/** The lower-cased extension of a file name (`Report.Final.PDF` → `pdf`), or "" when there is none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : "";
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase().split(";")[0]?.trim() : undefined;
}

/** The MIME type the bytes in the vault have, as far as the catalogue knows it. */
export function storedMimeType(v: PreviewSubject): string | undefined {
  const m = v.metadata;
  const exported = str(m.exportMimeType);
  if (exported) return exported;
  const mime = str(m.mimeType);
  if (mime?.startsWith("application/vnd.google-apps.")) return NATIVE_EXPORTS[mime] ?? "application/octet-stream";
  return mime;
}

export function previewTypeOf(v: PreviewSubject): PreviewType {
  switch (v.kind) {
    case "message":
      return "mail";
    case "folder":
      return "none";
    case "event":
    case "contact":
    case "record":
      // Stored as the provider's JSON: readable as text.
      return "text";
    default:
      break;
  }
  const mime = storedMimeType(v);
  const ext = extensionOf(v.name);
  if (mime === "image/svg+xml" || ext === "svg" || ext === "svgz") return "none";
  if (mime !== undefined && mime !== "application/octet-stream" && mime !== "binary/octet-stream") {
    if (mime === "message/rfc822") return "mail";
    if (Object.values(PREVIEW_IMAGE_TYPES).includes(mime) || mime === "image/jpg" || mime === "image/pjpeg") return "image";
    if (mime === "application/pdf") return "pdf";
    if (mime === "text/html" || mime === "application/xhtml+xml") return "text";
    if (mime.startsWith("text/") || TEXT_MIME.has(mime) || mime.endsWith("+json")) return "text";
    return "none";
  }
  // No (useful) MIME type recorded: go by the extension.
  if (MAIL_EXTENSIONS.has(ext)) return "mail";
  if (ext in PREVIEW_IMAGE_TYPES) return "image";
  if (ext === "pdf") return "pdf";
  if (TEXT_EXTENSIONS.has(ext)) return "text";
  return "none";
}

/** What the bytes really are, by their first bytes; only the four raster formats we preview. */
export function sniffImageType(bytes: Uint8Array): "image/png" | "image/jpeg" | "image/gif" | "image/webp" | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38 && (b(4) === 0x37 || b(4) === 0x39) && b(5) === 0x61) return "image/gif";
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45 && b(10) === 0x42 && b(11) === 0x50) return "image/webp";
  return undefined;
}

/** A PDF starts with `%PDF-` (within its first KiB, per the spec's tolerance for leading junk). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  for (let i = 0; i + 4 < head.length; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

/** The file name a download of the version gets: its name, with `.eml` for a message that has none. */
export function downloadFileName(v: PreviewSubject): string {
  const base = v.name.trim() === "" ? "item" : v.name.trim();
  if (v.kind === "message" && extensionOf(base) !== "eml") return `${base}.eml`;
  if ((v.kind === "event" || v.kind === "contact" || v.kind === "record") && extensionOf(base) === "") return `${base}.json`;
  return base;
}

/** Human size: `1.2 MB`, `340 KB`, `12 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? "byte" : "bytes"}`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}
