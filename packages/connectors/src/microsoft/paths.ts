// Item paths inside a unit (ItemDescriptor.path): `/`-separated folder names ending with the
// item's own name. Names may contain `/` (a mail subject, never a file name), which is replaced
// so the path stays splittable; an empty name becomes a placeholder.
import { ConnectorError } from "../core/errors";

/** One path segment: trimmed, `/` → `∕` (U+2215), empty → `(no subject)` / `(untitled)`. */
export function segment(name: string | null | undefined, fallback = "(untitled)"): string {
  const s = (name ?? "").replace(/[\r\n\t]+/g, " ").trim();
  return s === "" ? fallback : s.replace(/\//g, "\u2215");
}

/** Joins folder segments and a leaf: `["Inbox", "Projects"]`, `"Hi"` → `/Inbox/Projects/Hi`. */
export function joinPath(folders: readonly string[], leaf?: string): string {
  const parts = leaf === undefined ? folders : [...folders, leaf];
  return `/${parts.join("/")}`;
}

/** `/Inbox/Projects/Hi` → `["Inbox", "Projects", "Hi"]`; `/` or `` → `[]`. */
export function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/**
 * A driveItem's folder path from its parentReference.path (`/drives/{id}/root:/Documents/Reports`
 * or `/drive/root:`), decoded; undefined when the reference carries no path (delta responses on
 * Graph do not include it).
 */
export function folderPathOfParentReference(path: string | undefined | null): string[] | undefined {
  if (typeof path !== "string") return undefined;
  const i = path.indexOf("root:");
  if (i < 0) return undefined;
  const rest = path.slice(i + "root:".length);
  return splitPath(rest).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

/** A drive path for Graph's path addressing (`root:/a/b c.txt:`), each segment percent-encoded. */
export function drivePathAddress(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join("/");
}

/** The folder that holds restored copies, followed by the item's own folders (`Restored…/Inbox/Projects`). */
export function underCopyFolder(copyFolder: string, folders: readonly string[]): string[] {
  const root = splitPath(copyFolder.replace(/\\/g, "/"))
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (root.length === 0) throw new ConnectorError("invalid", "copyFolder must name a folder (e.g. \"Restored by Holdfast 2026-11-27\")");
  return [...root, ...folders];
}

/**
 * A folder name OneDrive accepts, for names we make (the copy folder, whose default carries a
 * time): `:` → `∶` (U+2236), the other characters OneDrive refuses (" * < > ? |) → `_`.
 */
export function driveSafeName(name: string): string {
  return name.replace(/:/g, "\u2236").replace(/["*<>?|]/g, "_");
}
