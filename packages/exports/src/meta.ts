// What an export reads of an item's vault metadata: the parts of the backup's StoredItemMeta
// (workflows/src/activities/backup/segment.ts) that decide its format and its name. Parsed
// leniently: anything else in the metadata is ignored.
import { z } from "zod";

export const ItemKind = z.enum(["message", "file", "folder", "event", "contact", "record", "object"]);
export type ItemKind = z.infer<typeof ItemKind>;

export const ExportItemMeta = z.object({
  externalId: z.string().optional(),
  kind: ItemKind,
  path: z.string().optional(),
  name: z.string().optional(),
  contentType: z.string().optional(),
  sha256: z.string().optional(),
  modifiedAt: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type ExportItemMeta = z.infer<typeof ExportItemMeta>;

export function parseItemMeta(meta: Record<string, unknown>): ExportItemMeta {
  const r = ExportItemMeta.safeParse(meta);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new Error(`item metadata is not a backup item's: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`);
}

/** The provider's folders of an item (its path without the last segment). */
export function folderSegments(meta: ExportItemMeta): string[] {
  const path = meta.path ?? "";
  if (meta.kind === "folder") return path.split("/").filter((p) => p.length > 0);
  // The last segment is the item's name, which may itself hold a "/" (a mail subject).
  const name = meta.name ?? "";
  const parent = name !== "" && path.endsWith(`/${name}`) ? path.slice(0, -(name.length + 1)) : path.slice(0, Math.max(0, path.lastIndexOf("/")));
  return parent.split("/").filter((p) => p.length > 0);
}

/** The item's own name: its `name`, else the last segment of its provider path, else of its vault path. */
export function itemName(meta: ExportItemMeta, vaultPath: string): string {
  const fromPath = (meta.path ?? "").split("/").filter((p) => p.length > 0).at(-1);
  return meta.name?.trim() || fromPath || vaultPath.split("/").at(-1) || "item";
}
