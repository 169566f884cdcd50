// The subset of the Drive search-query language (https://developers.google.com/drive/api/guides/ref-search-terms)
// the sandbox understands: clauses joined by `and`, each one of
//   '<id>' in parents | trashed = true|false | mimeType = '<t>' | mimeType != '<t>' | name = '<n>' | name contains '<s>'
// Anything else is rejected as Drive rejects a malformed query (400 "Invalid Value", location q).
import type { GFile } from "./store";

export class DriveQueryError extends Error {}

type Pred = (f: GFile) => boolean;

const STR = String.raw`'((?:[^'\\]|\\.)*)'`;
const CLAUSES: [RegExp, (m: RegExpMatchArray, root: string) => Pred][] = [
  [new RegExp(`^${STR}\\s+in\\s+parents$`), (m, root) => {
    const id = unquote(m[1]);
    const target = id === "root" ? root : id;
    return (f) => f.parents.includes(target);
  }],
  [/^trashed\s*=\s*(true|false)$/, (m) => (f) => f.trashed === (m[1] === "true")],
  [new RegExp(`^mimeType\\s*(=|!=)\\s*${STR}$`), (m) => (f) => (f.mimeType === unquote(m[2])) === (m[1] === "=")],
  [new RegExp(`^name\\s*=\\s*${STR}$`), (m) => (f) => f.name === unquote(m[1])],
  [new RegExp(`^name\\s+contains\\s+${STR}$`), (m) => (f) => f.name.toLowerCase().includes(unquote(m[1]).toLowerCase())],
];

function unquote(s: string | undefined): string {
  return (s ?? "").replace(/\\(.)/g, "$1");
}

/** `root` is the id 'root' stands for (the caller's My Drive root folder). */
export function parseDriveQuery(q: string | undefined, root: string): Pred {
  if (!q || !q.trim()) return () => true;
  const preds = splitAnd(q).map((clause) => {
    for (const [re, build] of CLAUSES) {
      const m = clause.match(re);
      if (m) return build(m, root);
    }
    throw new DriveQueryError(`unsupported query clause: ${clause}`);
  });
  return (f) => preds.every((p) => p(f));
}

function splitAnd(q: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < q.length; i++) {
    const ch = q[i];
    if (ch === "\\" && quoted) {
      cur += ch + (q[++i] ?? "");
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && /^\sand\s/i.test(q.slice(i, i + 5))) {
      out.push(cur.trim());
      cur = "";
      i += 4;
      continue;
    }
    cur += ch;
  }
  if (quoted) throw new DriveQueryError("unterminated string");
  out.push(cur.trim());
  return out;
}
