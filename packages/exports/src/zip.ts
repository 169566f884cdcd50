// ZIP exports (yazl; see README): entries written one at a time, each streamed from the vault
// through yazl's pipe into the output, so the output's backpressure reaches the vault reads.
// The last entry is `holdfast-export.json`, the report of every item asked for.
import { finished, Readable } from "node:stream";
import type { Vault } from "@holdfast/vault";
import { ZipFile } from "yazl";
import { folderSegments, itemName, type ExportItemMeta } from "./meta";
import { EntryNamer, sanitisePath, sanitiseSegment } from "./names";
import { ItemExportError, reasonOf, type ExportFormat, type ExportRef, type ExportReport, type ItemOutcome } from "./outcome";
import { Recorder } from "./report";
import { openBody, openItem } from "./source";

export const REPORT_ENTRY = "holdfast-export.json";

const EXT_BY_TYPE: Record<string, string> = {
  "message/rfc822": ".eml",
  "application/json": ".json",
  "text/calendar": ".ics",
  "text/vcard": ".vcf",
  "text/plain": ".txt",
  "text/csv": ".csv",
  "application/pdf": ".pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
  "application/vnd.oasis.opendocument.text": ".odt",
  "application/vnd.oasis.opendocument.spreadsheet": ".ods",
  "application/vnd.oasis.opendocument.presentation": ".odp",
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/svg+xml": ".svg",
  "application/zip": ".zip",
};

/** Above this an entry is written in ZIP64 form from its start (deflate can grow incompressible data a little). */
const ZIP64_FROM = 0xf000_0000;

function baseType(t: string | undefined): string {
  return (t ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function compressible(type: string): boolean {
  return type.startsWith("text/") || type === "message/rfc822" || type === "application/json" || type === "image/svg+xml";
}

/** The entry path of an item: its provider folders, its name, and the extension its content has. */
export function entryPathFor(format: ExportFormat, meta: ExportItemMeta, vaultPath: string): string {
  let name = itemName(meta, vaultPath);
  const type = baseType(typeof meta.metadata.exportMimeType === "string" ? meta.metadata.exportMimeType : meta.contentType);
  const ext = format === "eml-zip" || meta.kind === "message" ? ".eml" : (EXT_BY_TYPE[type] ?? "");
  const hasExt = /\.[A-Za-z0-9]{1,8}$/.test(name);
  // Files keep their own extension; an exported Google document, and every non-file, get their format's.
  if (ext && !name.toLowerCase().endsWith(ext) && (meta.kind !== "file" || !hasExt || meta.metadata.exportMimeType !== undefined)) name += ext;
  const folders = sanitisePath(folderSegments(meta));
  return folders === "" ? sanitiseSegment(name) : `${folders}/${sanitiseSegment(name)}`;
}

function mtimeOf(meta: ExportItemMeta, fallback: Date): Date {
  const d = meta.modifiedAt ? new Date(meta.modifiedAt) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
}

export interface ZipExportOptions {
  vault: Vault;
  refs: readonly ExportRef[];
  format: "eml-zip" | "zip";
  now: () => Date;
  onItem?: (o: ItemOutcome) => void;
}

export function zipExport(opts: ZipExportOptions): { stream: Readable; report: Promise<ExportReport> } {
  const zip = new ZipFile();
  const stream = zip.outputStream as unknown as Readable;
  const recorder = new Recorder(opts.format, opts.refs, opts.now, opts.onItem);
  const namer = new EntryNamer();
  namer.reserve(REPORT_ENTRY);
  let stopped = false;
  let current: Readable | undefined;
  const stop = () => {
    stopped = true;
    current?.destroy();
  };
  finished(stream, (err) => {
    // The consumer went away (or the stream failed) before the end: stop reading the vault.
    if (err || !stream.readableEnded) stop();
  });
  zip.on("error", (err: Error) => {
    stop();
    stream.destroy(err);
  });

  const exportOne = async (ref: ExportRef): Promise<ItemOutcome> => {
    const { item, meta } = await openItem(opts.vault, ref);
    const base = { ref, kind: meta.kind, name: itemName(meta, ref.vaultPath) };
    if (opts.format === "eml-zip" && meta.kind !== "message" && meta.kind !== "folder") throw new ItemExportError(`not a mail message (kind ${meta.kind}); export it as zip`);
    if (meta.kind === "folder") {
      const dir = sanitisePath(folderSegments(meta));
      if (dir === "") return { ...base, status: "exported", bytes: 0 };
      const entry = namer.directory(dir);
      zip.addEmptyDirectory(entry, { mtime: mtimeOf(meta, opts.now()) });
      return { ...base, status: "exported", entry, bytes: 0 };
    }
    const body = await openBody(opts.vault, ref);
    const entry = namer.file(entryPathFor(opts.format, meta, ref.vaultPath));
    const source = Readable.from(body.chunks, { objectMode: false, highWaterMark: 256 * 1024 });
    current = source;
    const done = new Promise<void>((resolve) => finished(source, () => resolve()));
    zip.addReadStream(source, entry, {
      mtime: mtimeOf(meta, opts.now()),
      compress: compressible(baseType(meta.contentType)),
      forceZip64Format: item.size >= ZIP64_FROM,
    });
    await done;
    current = undefined;
    if (stopped) throw new ItemExportError("the download stopped while this item was being written");
    if (body.read.error !== undefined) return { ...base, status: "failed", reason: reasonOf(body.read.error), entry, bytes: body.read.bytes, partial: true };
    if (body.read.bytes !== item.size) return { ...base, status: "failed", reason: `read ${body.read.bytes} of ${item.size} bytes`, entry, bytes: body.read.bytes, partial: true };
    return { ...base, status: "exported", entry, bytes: body.read.bytes };
  };

  const report = (async () => {
    for (const ref of opts.refs) {
      if (stopped) break;
      try {
        recorder.record(await exportOne(ref));
      } catch (e) {
        recorder.record({ ref, status: "failed", reason: reasonOf(e), bytes: 0 });
      }
    }
    const r = recorder.finish();
    if (!stopped) {
      zip.addBuffer(Buffer.from(`${JSON.stringify(r, null, 2)}\n`), REPORT_ENTRY, { mtime: opts.now(), compress: true });
      zip.end({ forceZip64Format: false, comment: "" });
    }
    return r;
  })();
  return { stream, report };
}
