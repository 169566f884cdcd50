// Walking and hashing file trees: sorted, regular files only, so the order (and every digest) is
// the same on every run.
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync, type Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export interface FileEntry {
  /** `/`-separated, relative to the walked root. */
  rel: string;
  size: number;
  mode: number;
  mtimeMs: number;
}

/** What a backup compares to decide that a file is unchanged (restic's rule: size, mtime, ctime, inode). */
export interface FileStat extends FileEntry {
  ctimeMs: number;
  ino: number;
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every regular file under `root` in byte order of its relative path; symlinks and specials are skipped. */
export async function* walkFiles(root: string, rel = ""): AsyncGenerator<FileEntry> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return; // unreadable directory: not part of the corpus
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walkFiles(root, childRel);
    else if (e.isFile()) {
      const st = await stat(join(root, childRel)).catch(() => undefined);
      if (st) yield { rel: childRel, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs };
    }
  }
}

/**
 * walkFiles with synchronous system calls, for the backup's hot loop: the same files in the same
 * order, without a thread-pool round trip per stat (the async walk was ~2 µs of work and ~40 µs of
 * waiting per file).
 */
export function* walkFilesSync(root: string, rel = ""): Generator<FileStat> {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort(byName);
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walkFilesSync(root, childRel);
    else if (e.isFile()) {
      const st = statSync(join(root, childRel), { throwIfNoEntry: false });
      if (st) yield { rel: childRel, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    }
  }
}

export async function listFiles(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const f of walkFiles(root)) out.push(f);
  return out;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

export interface TreeDigest {
  files: Map<string, string>;
  bytes: number;
  /** One digest over every (path, content digest) pair. */
  digest: string;
}

export async function hashTree(root: string): Promise<TreeDigest> {
  const files = new Map<string, string>();
  const all = createHash("sha256");
  let bytes = 0;
  for await (const f of walkFiles(root)) {
    const d = await sha256File(join(root, f.rel));
    files.set(f.rel, d);
    all.update(`${f.rel}\0${d}\n`);
    bytes += f.size;
  }
  return { files, bytes, digest: all.digest("hex") };
}

export interface TreeDiff {
  missing: string[];
  extra: string[];
  differ: string[];
}

export function diffTrees(expected: TreeDigest, actual: TreeDigest): TreeDiff {
  const diff: TreeDiff = { missing: [], extra: [], differ: [] };
  for (const [rel, d] of expected.files) {
    const got = actual.files.get(rel);
    if (got === undefined) diff.missing.push(rel);
    else if (got !== d) diff.differ.push(rel);
  }
  for (const rel of actual.files.keys()) if (!expected.files.has(rel)) diff.extra.push(rel);
  return diff;
}

export function describeDiff(d: TreeDiff): string {
  if (!d.missing.length && !d.extra.length && !d.differ.length) return "identical";
  const few = (xs: string[]) => xs.slice(0, 3).join(", ") + (xs.length > 3 ? ", …" : "");
  return [
    d.missing.length ? `${d.missing.length} missing (${few(d.missing)})` : "",
    d.extra.length ? `${d.extra.length} extra (${few(d.extra)})` : "",
    d.differ.length ? `${d.differ.length} differ (${few(d.differ)})` : "",
  ]
    .filter(Boolean)
    .join("; ");
}
