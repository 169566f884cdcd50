// Entry names inside a ZIP: every segment made safe for any unzip (no `..`, no absolute paths,
// no separators or control characters, no Windows-reserved characters or device names, bounded
// length), and every name unique — case-insensitively, since Windows and macOS unzip to
// case-insensitive file systems — by a ` (2)`, ` (3)` … before the extension.
const MAX_SEGMENT_CHARS = 120;
const RESERVED_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function sanitiseSegment(raw: string): string {
  // eslint-disable-next-line no-control-regex
  let s = raw.normalize("NFC").replace(/[\u0000-\u001f\u007f/\\<>:"|?*]/g, "_").trim();
  s = s.replace(/[. ]+$/, "");
  if (s === "" || /^\.+$/.test(s)) s = "_";
  if (RESERVED_DEVICE.test(s)) s = `_${s}`;
  if ([...s].length > MAX_SEGMENT_CHARS) {
    const dot = s.lastIndexOf(".");
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : "";
    s = [...s.slice(0, s.length - ext.length)].slice(0, MAX_SEGMENT_CHARS - ext.length).join("") + ext;
  }
  return s;
}

/** A relative path of safe segments joined by `/` (empty segments dropped). */
export function sanitisePath(segments: readonly string[]): string {
  return segments
    .flatMap((s) => s.split(/[/\\]/))
    .filter((s) => s.trim().length > 0 && s !== ".")
    .map(sanitiseSegment)
    .join("/");
}

function withSuffix(name: string, n: number): string {
  const slash = name.lastIndexOf("/");
  const dir = name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? `${dir}${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${dir}${base} (${n})`;
}

/** Hands out unique entry names; `reserve` keeps a name (e.g. the export's own manifest) for later. */
export class EntryNamer {
  readonly #taken = new Set<string>();

  reserve(name: string): void {
    this.#taken.add(name.toLowerCase());
  }

  /** A unique name for a file at `path` (already sanitised). */
  file(path: string): string {
    let name = path;
    const clash = (x: string) => this.#taken.has(x.toLowerCase()) || this.#taken.has(`${x.toLowerCase()}/`);
    for (let n = 2; clash(name); n++) name = withSuffix(path, n);
    this.#taken.add(name.toLowerCase());
    // The folders on the way are taken by this name too: a later file may not be named like them.
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) this.#taken.add(`${parts.slice(0, i).join("/").toLowerCase()}/`);
    return name;
  }

  /** A directory entry name (`a/b/`); directories may repeat, so the same name comes back. */
  directory(path: string): string {
    const dir = `${path}/`;
    this.#taken.add(dir.toLowerCase());
    return dir;
  }
}
