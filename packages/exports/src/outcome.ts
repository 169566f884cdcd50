// What an export says about each item it was asked for: exported, or failed with the reason.
import { VaultError, VaultIntegrityError } from "@holdfast/vault";
import { z } from "zod";

export const ExportFormat = z.enum(["eml-zip", "mbox", "zip", "ics", "vcf"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ExportRef = z.object({ vaultSnapshotId: z.string().min(1), vaultPath: z.string().min(1) });
export type ExportRef = z.infer<typeof ExportRef>;

export interface ItemOutcome {
  ref: ExportRef;
  status: "exported" | "failed";
  /** Why it failed, in words a person can act on. */
  reason?: string;
  /** Where it is in the archive (a ZIP entry name), for ZIP formats. */
  entry?: string;
  /** Bytes of the item read from the vault (before conversion). */
  bytes: number;
  /** The item failed after part of it was written: the entry/message holds only that part. */
  partial?: boolean;
  kind?: string;
  name?: string;
}

export interface ExportReport {
  format: ExportFormat;
  startedAt: string;
  finishedAt: string;
  requested: number;
  exported: number;
  failed: number;
  items: ItemOutcome[];
}

/** An item cannot be exported; the message is the reason recorded for it. */
export class ItemExportError extends Error {
  override readonly name = "ItemExportError";
}

/** The reason recorded for an error met while exporting one item. */
export function reasonOf(e: unknown): string {
  if (e instanceof ItemExportError) return e.message;
  if (e instanceof VaultIntegrityError) return `integrity error: ${e.message}`;
  if (e instanceof VaultError) return /has no item|not a snapshot id|not found/i.test(e.message) ? `not found: ${e.message}` : `vault error: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
