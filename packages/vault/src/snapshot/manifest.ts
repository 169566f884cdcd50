// Snapshot manifests (docs/vault-format.md §8).
import { z } from "zod";
import { FORMAT_VERSION, VaultFormatError, unsupportedVersion } from "../errors";

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const ItemMeta = z.record(z.string(), z.unknown());
export type ItemMeta = z.infer<typeof ItemMeta>;

export const SnapshotItem = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  meta: ItemMeta,
  blobs: z.array(Hex64),
});
export type SnapshotItem = z.infer<typeof SnapshotItem>;

export const SnapshotManifest = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  vaultId: z.string(),
  source: z.string(),
  unit: z.string(),
  startedAt: z.string(),
  committedAt: z.string(),
  retainUntil: z.string(),
  items: z.array(SnapshotItem),
  packs: z.array(Hex64),
  indexes: z.array(Hex64),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;

export function snapshotKeyFor(id: string): string {
  return `snapshots/${id}`;
}

export function encodeManifest(m: SnapshotManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

/**
 * The JSON of `encodeManifest` (same bytes, field order of SnapshotManifest) in pieces of a hundred
 * items or so, so a manifest of 50k items is never one 13 MB string plus its 13 MB encoding (and
 * a piece stays small enough for V8's young generation: larger strings go to large-object space).
 */
export function* manifestJsonPieces(m: SnapshotManifest, itemsPerPiece = 128): Generator<string> {
  const { formatVersion, vaultId, source, unit, startedAt, committedAt, retainUntil } = m;
  const head = JSON.stringify({ formatVersion, vaultId, source, unit, startedAt, committedAt, retainUntil });
  yield `${head.slice(0, -1)},"items":[`;
  for (let i = 0; i < m.items.length; i += itemsPerPiece) {
    const part = JSON.stringify(m.items.slice(i, i + itemsPerPiece)).slice(1, -1);
    yield i === 0 ? part : `,${part}`;
  }
  yield `],"packs":${JSON.stringify(m.packs)},"indexes":${JSON.stringify(m.indexes)}}`;
}

const HEX64 = /^[0-9a-f]{64}$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isHexList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string" && HEX64.test(x));

/**
 * The schema's checks, done in place: a parsed manifest of 50k items is ~40 MB of objects, and
 * the schema's parse copies all of them (and took longer than JSON.parse itself). Accepts exactly
 * what SnapshotManifest accepts; unlike it, leaves unknown fields in place.
 */
function isManifest(json: unknown): json is SnapshotManifest {
  if (!isRecord(json) || json.formatVersion !== FORMAT_VERSION) return false;
  for (const k of ["vaultId", "source", "unit", "startedAt", "committedAt", "retainUntil"] as const) if (typeof json[k] !== "string") return false;
  if (!isHexList(json.packs) || !isHexList(json.indexes) || !Array.isArray(json.items)) return false;
  for (const item of json.items as unknown[]) {
    if (!isRecord(item)) return false;
    const { path, size, meta, blobs } = item;
    if (typeof path !== "string" || path.length === 0) return false;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return false;
    if (!isRecord(meta) || !isHexList(blobs)) return false;
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * End (exclusive) of the JSON value that starts at `start`: past a string or a balanced {…}/[…],
 * or at the comma or closing bracket that ends a bare number/word. Only finds boundaries; the
 * pieces are then parsed (and so checked) by JSON.parse.
 */
function valueEnd(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let depth = 0;
  for (let j = start; j < n; j++) {
    const b = bytes[j];
    if (b === QUOTE) {
      for (j++; j < n && bytes[j] !== QUOTE; j++) if (bytes[j] === BACKSLASH) j++;
      if (depth === 0) return j + 1;
    } else if (b === LBRACE || b === LBRACKET) depth++;
    else if (b === RBRACE || b === RBRACKET) {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (b === COMMA && depth === 0) return j;
  }
  return n;
}

/**
 * JSON.parse of the payload, in pieces: the top-level members one by one, and `items` a hundred
 * elements at a time. One JSON.parse of a 50k-item manifest makes a 13 MB string and as much
 * again of parser garbage, all in V8's large-object space until the next full collection
 * (measured: +29 MiB of heap per manifest read). Anything unexpected (not an object of members, a
 * piece that does not parse) falls back to JSON.parse of the whole, so results and errors are
 * exactly JSON.parse's.
 */
function parseManifestJson(bytes: Buffer): unknown {
  const whole = () => JSON.parse(bytes.toString("utf8")) as unknown;
  const text = (from: number, to: number) => bytes.toString("utf8", from, to);
  let i = 0;
  const skip = () => {
    while (isSpace(bytes[i])) i++;
  };
  try {
    skip();
    if (bytes[i] !== LBRACE) return whole();
    i++;
    const out: Record<string, unknown> = {};
    skip();
    if (bytes[i] === RBRACE) i++;
    else
      for (;;) {
        skip();
        const keyEnd = valueEnd(bytes, i);
        const key = JSON.parse(text(i, keyEnd)) as unknown;
        i = keyEnd;
        skip();
        if (typeof key !== "string" || key === "__proto__" || bytes[i] !== COLON) return whole();
        i++;
        skip();
        if (key === "items" && bytes[i] === LBRACKET) {
          const items: unknown[] = [];
          i++;
          let batchStart = i;
          let count = 0;
          const flush = () => {
            if (count > 0) for (const x of JSON.parse(`[${text(batchStart, i)}]`) as unknown[]) items.push(x);
            count = 0;
          };
          skip();
          while (bytes[i] !== RBRACKET) {
            i = valueEnd(bytes, i);
            count++;
            skip();
            if (bytes[i] !== COMMA) break;
            if (count === 100) {
              flush();
              batchStart = i + 1;
            }
            i++;
            skip();
          }
          if (bytes[i] !== RBRACKET) return whole();
          flush();
          i++;
          out[key] = items;
        } else {
          const end = valueEnd(bytes, i);
          out[key] = JSON.parse(text(i, end)) as unknown;
          i = end;
        }
        skip();
        if (bytes[i] === COMMA) i++;
        else if (bytes[i] === RBRACE) {
          i++;
          break;
        } else return whole();
      }
    skip();
    return i === bytes.length ? out : whole();
  } catch {
    return whole();
  }
}

export function decodeManifest(objectKey: string, payload: Uint8Array): SnapshotManifest {
  let json: unknown;
  try {
    json = parseManifestJson(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  } catch (e) {
    throw new VaultFormatError(`${objectKey}: manifest is not JSON`, { cause: e });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) throw unsupportedVersion(objectKey, version);
  if (isManifest(json)) return json;
  // Malformed: the schema says precisely what is wrong.
  const parsed = SnapshotManifest.safeParse(json);
  if (!parsed.success) throw new VaultFormatError(`${objectKey}: malformed manifest: ${parsed.error.message}`);
  return parsed.data;
}
