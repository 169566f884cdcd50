// Where a snapshot item lands on disk, and which items a restore selects. This is the one place
// that decides whether an item path is safe to write: a manifest is authenticated, but its paths
// come from connectors (user-chosen file names), so `..`, absolute paths and NUL are refused here
// rather than trusted.
import { resolve, sep } from "node:path";
import { VaultError } from "../errors";
import type { SnapshotItem } from "../snapshot/manifest";

/** An item path that would land outside the restore target (or is otherwise unwritable as a path). */
export class UnsafeItemPathError extends VaultError {
  constructor(
    readonly itemPath: string,
    readonly reason: string,
  ) {
    super(`item path ${JSON.stringify(itemPath)} would land outside the target directory (${reason}); refusing it`);
  }
}

const WINDOWS = process.platform === "win32";

/** Why `itemPath` may not be written under a target directory, or null when it may. */
export function unsafePathReason(itemPath: string): string | null {
  if (itemPath.length === 0) return "it is empty";
  if (itemPath.includes("\0")) return "it contains a NUL byte";
  if (itemPath.startsWith("/")) return "it is absolute";
  for (const segment of itemPath.split("/")) {
    if (segment === "..") return 'it contains ".."';
    // Two spellings of one file ("a//b", "a/./b", "a/") would race each other on disk.
    if (segment === "" || segment === ".") return "it has an empty or '.' segment";
    if (WINDOWS && /[\\:]/.test(segment)) return "it contains a Windows path separator or drive";
  }
  return null;
}

/** The absolute file an item restores to under `root`; throws UnsafeItemPathError instead of escaping it. */
export function itemDestination(root: string, itemPath: string): string {
  const reason = unsafePathReason(itemPath);
  if (reason) throw new UnsafeItemPathError(itemPath, reason);
  const base = resolve(root);
  const to = resolve(base, ...itemPath.split("/"));
  if (!to.startsWith(base.endsWith(sep) ? base : base + sep)) throw new UnsafeItemPathError(itemPath, "it resolves outside the target");
  return to;
}

/** A folder-or-item argument: no leading/trailing slashes, no empty or "." segments; ".." refused. */
export function normaliseItemPrefix(prefix: string | undefined): string {
  if (prefix === undefined) return "";
  const parts = prefix.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.includes("..")) throw new VaultError(`path ${JSON.stringify(prefix)} must not contain ".."`);
  return parts.join("/");
}

/**
 * The items a restore covers: those named in `paths` (each must exist), else all; then only those
 * at `prefix` itself (an item) or below it (a folder). Manifest order (sorted by path) is kept.
 */
export function selectItems(snapshotKey: string, all: readonly SnapshotItem[], opts: { prefix?: string; paths?: readonly string[] }): SnapshotItem[] {
  let items: readonly SnapshotItem[] = all;
  if (opts.paths) {
    const byPath = new Map(all.map((i) => [i.path, i]));
    const wanted = new Set(opts.paths);
    const missing = [...wanted].filter((p) => !byPath.has(p));
    if (missing.length) throw new VaultError(`${snapshotKey} has no item ${missing.slice(0, 5).map((p) => JSON.stringify(p)).join(", ")}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ""}`);
    items = all.filter((i) => wanted.has(i.path));
  }
  const prefix = normaliseItemPrefix(opts.prefix);
  if (!prefix) return [...items];
  const folder = `${prefix}/`;
  return items.filter((i) => i.path === prefix || i.path.startsWith(folder));
}
