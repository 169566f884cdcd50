// Boundary schemas for exports (one name for schema and type): what a caller asks for, and the
// export job as the API shows it.
import { EXPORT_FORMATS, RESTORE_STATUSES } from "@holdfast/db";
import { z } from "zod";

const id = z.string().uuid();
const isoInstant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z" });

export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const RequestExportInput = z.object({
  unitId: id,
  /** Export these items (their version current at `asOf`)… */
  items: z.array(id).min(1).max(10_000).optional(),
  /** …and/or everything under these folders; neither means the whole unit. */
  paths: z.array(z.string().startsWith("/", "must start with /").max(8192)).min(1).max(1000).optional(),
  /** Each item as it was at this time. */
  asOf: isoInstant,
  /** mail: eml-zip | mbox; files: zip; calendar: ics; contacts: vcf; `original`: one item's own bytes. */
  format: ExportFormat,
});
export type RequestExportInput = z.input<typeof RequestExportInput>;

export const RequestItemContentInput = z.object({
  itemId: id,
  /** An item version id; default: the item's latest version. */
  versionId: id.optional(),
});
export type RequestItemContentInput = z.input<typeof RequestItemContentInput>;

export const Export = z.object({
  id,
  sourceId: id,
  unitId: id,
  format: ExportFormat,
  asOf: z.string().datetime(),
  selection: z.object({ items: z.array(id).optional(), paths: z.array(z.string()).optional() }),
  status: z.enum(RESTORE_STATUSES),
  counts: z.object({ exported: z.number().int(), failed: z.number().int() }),
  summary: z.string().nullable(),
  /** The archive's file name and size once it is stored. */
  fileName: z.string().nullable(),
  bytes: z.number().int().nullable(),
  /** When the archive is deleted; downloads answer 410 from then on. */
  expiresAt: z.string().datetime().nullable(),
  expired: z.boolean(),
  /** Where to download the archive (relative to the origin); null until it is ready, and once expired. */
  downloadUrl: z.string().nullable(),
  createdAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
});
export type Export = z.infer<typeof Export>;

export const ExportList = z.object({ items: z.array(Export) });
export type ExportList = z.infer<typeof ExportList>;

export const ListExportsInput = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export type ListExportsInput = z.input<typeof ListExportsInput>;

export const ExportItemOutcome = z.object({
  path: z.string().nullable(),
  externalId: z.string().nullable(),
  outcome: z.enum(["exported", "failed"]),
  reason: z.string().nullable(),
  at: z.string().datetime(),
});
export type ExportItemOutcome = z.infer<typeof ExportItemOutcome>;
