// The console's copy of @holdfast/services' previewTypeOf (packages/services/src/preview/type.ts):
// the client bundle cannot import the services package (it pulls in the database driver).
// preview.test.ts checks both give the same answers; change them together.

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
