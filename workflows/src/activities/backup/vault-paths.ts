// Where an item lives inside its unit's vault snapshot. Paths mirror the provider's folders so
// that `holdfast-restore` alone gives a customer a browsable tree; a short tag of the item's
// provider id keeps two items of the same name apart and stays the same across versions.
import { createHash } from "node:crypto";
import type { ItemDescriptor } from "@holdfast/connectors";

const MAX_SEGMENT = 120;

/** One path segment: no separators, control characters, `.`/`..` or trailing dots and spaces. */
export function safeSegment(raw: string): string {
  // eslint-disable-next-line no-control-regex
  let s = raw.replace(/[\u0000-\u001f\u007f/\\]/g, "_").trim();
  s = s.replace(/[. ]+$/, "");
  if (s === "" || s === "." || s === "..") s = "_";
  if (s.length > MAX_SEGMENT) s = s.slice(0, MAX_SEGMENT);
  return s;
}

export function idTag(externalId: string): string {
  return createHash("sha256").update(externalId).digest("hex").slice(0, 12);
}

const EXT_BY_TYPE: Record<string, string> = {
  "message/rfc822": ".eml",
  "text/calendar": ".ics",
  "text/vcard": ".vcf",
  "text/x-vcard": ".vcf",
  "application/json": ".json",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
  "application/pdf": ".pdf",
  "text/plain": ".txt",
  "text/csv": ".csv",
};

function folders(item: ItemDescriptor): string[] {
  const parts = item.path.split("/").filter((p) => p.length > 0);
  return parts.slice(0, -1).map(safeSegment);
}

/**
 * `<folders>/<name>~<tag><ext>`. Files keep their own extension; mail, events and contacts get
 * the one their stored format has (`.eml`, `.ics`/`.json`, `.vcf`/`.json`), and an exported
 * document the one of its export format.
 */
export function vaultPathFor(item: ItemDescriptor, contentType: string): string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const name = safeSegment(item.name);
  const dot = name.lastIndexOf(".");
  const ownExt = item.kind === "file" && dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  const typeExt = EXT_BY_TYPE[type] ?? "";
  const ext = item.kind === "file" ? ownExt || typeExt : typeExt || ".bin";
  const base = ownExt !== "" ? name.slice(0, dot) : name;
  return [...folders(item), `${base}~${idTag(item.externalId)}${ext}`].join("/");
}

/** A folder is kept as an empty marker inside itself, so a restore recreates empty folders too. */
export function folderMarkerPath(item: ItemDescriptor): string {
  const parts = item.path.split("/").filter((p) => p.length > 0).map(safeSegment);
  if (parts.length === 0) parts.push(safeSegment(item.name));
  return [...parts, `.holdfast-folder~${idTag(item.externalId)}`].join("/");
}
