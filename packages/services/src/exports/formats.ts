// Which archive formats suit which kind of unit. `original` (one item's own bytes) suits every kind.
import type { UnitKind } from "@holdfast/db";
import type { ExportFormat } from "./types";

const BY_KIND: Record<UnitKind, readonly ExportFormat[]> = {
  gmail: ["eml-zip", "mbox"],
  exchange: ["eml-zip", "mbox"],
  drive: ["zip"],
  "shared-drive": ["zip"],
  onedrive: ["zip"],
  sharepoint: ["zip"],
  "s3-bucket": ["zip"],
  // Records are JSON in the vault; a ZIP of them is what we can offer until CSV exports exist.
  "salesforce-org": ["zip"],
  calendar: ["ics"],
  "ms-calendar": ["ics"],
  contacts: ["vcf"],
  "ms-contacts": ["vcf"],
};

/** The archive formats a unit of this kind can be exported as (besides `original` for a single item). */
export function formatsFor(kind: UnitKind): readonly ExportFormat[] {
  return BY_KIND[kind];
}

export const CONTENT_TYPES: Record<Exclude<ExportFormat, "original">, string> = {
  "eml-zip": "application/zip",
  zip: "application/zip",
  mbox: "application/mbox",
  ics: "text/calendar; charset=utf-8",
  vcf: "text/vcard; charset=utf-8",
};
