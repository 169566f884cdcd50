// exportArchive: a selection of backed-up item versions as one download, streamed item by item
// out of the vault. See README.md for what each format holds.
import type { Readable } from "node:stream";
import type { Vault } from "@holdfast/vault";
import { z } from "zod";
import { ExportFormat, ExportRef, type ExportReport, type ItemOutcome } from "./outcome";
import { textExport } from "./text-formats";
import { zipExport } from "./zip";

export interface ExportArchiveOptions {
  vault: Vault;
  refs: readonly ExportRef[];
  format: ExportFormat;
  /** Called once per ref, in order, as soon as its outcome is known. */
  onItem?: (outcome: ItemOutcome) => void;
  now?: () => Date;
}

export interface ExportArchive {
  /** The archive's bytes; nothing is read from the vault until they are read. */
  stream: Readable;
  fileName: string;
  contentType: string;
  /** Every ref's outcome; settles when the stream has ended (or stopped). */
  report: Promise<ExportReport>;
}

const FILE: Record<ExportFormat, { fileName: string; contentType: string }> = {
  "eml-zip": { fileName: "holdfast-mail.zip", contentType: "application/zip" },
  zip: { fileName: "holdfast-files.zip", contentType: "application/zip" },
  mbox: { fileName: "holdfast-mail.mbox", contentType: "application/mbox" },
  ics: { fileName: "holdfast-calendar.ics", contentType: "text/calendar; charset=utf-8" },
  vcf: { fileName: "holdfast-contacts.vcf", contentType: "text/vcard; charset=utf-8" },
};

export function exportArchive(opts: ExportArchiveOptions): ExportArchive {
  const format = ExportFormat.safeParse(opts.format);
  if (!format.success) throw new Error(`unknown export format ${JSON.stringify(opts.format)}; expected one of ${ExportFormat.options.join(", ")}`);
  const refs = z.array(ExportRef).safeParse(opts.refs);
  if (!refs.success) {
    const issue = refs.error.issues[0];
    throw new Error(`invalid export refs: ${issue ? `refs.${issue.path.join(".")}: ${issue.message}` : "not a list"}`);
  }
  const now = opts.now ?? (() => new Date());
  const f = format.data;
  const base = { vault: opts.vault, refs: refs.data, now, ...(opts.onItem ? { onItem: opts.onItem } : {}) };
  const { stream, report } = f === "eml-zip" || f === "zip" ? zipExport({ ...base, format: f }) : textExport({ ...base, format: f });
  return { stream, report, ...FILE[f] };
}
