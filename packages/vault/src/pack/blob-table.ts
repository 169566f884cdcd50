// Blob-table entries (docs/vault-format.md §6.4), shared by pack tables and index objects.
import { VaultFormatError, unsupportedVersion } from "../errors";

export const ENTRY_SIZE = 49;

export interface BlobEntry {
  id: Uint8Array;
  ordinal: number;
  offset: number;
  storedLength: number;
  rawLength: number;
  codec: number;
}

export function writeEntry(view: DataView, at: number, e: BlobEntry): void {
  new Uint8Array(view.buffer, view.byteOffset + at, 32).set(e.id);
  view.setUint32(at + 32, e.ordinal, true);
  view.setUint32(at + 36, e.offset, true);
  view.setUint32(at + 40, e.storedLength, true);
  view.setUint32(at + 44, e.rawLength, true);
  view.setUint8(at + 48, e.codec);
}

/** `shareId`: the id is a view into `bytes` instead of a copy (saves ~200 bytes of heap per entry). */
export function readEntry(bytes: Uint8Array, view: DataView, at: number, shareId = false): BlobEntry {
  return {
    id: shareId ? bytes.subarray(at, at + 32) : bytes.slice(at, at + 32),
    ordinal: view.getUint32(at + 32, true),
    offset: view.getUint32(at + 36, true),
    storedLength: view.getUint32(at + 40, true),
    rawLength: view.getUint32(at + 44, true),
    codec: view.getUint8(at + 48),
  };
}

const TABLE_VERSION = 1;

export function encodeTable(entries: readonly BlobEntry[]): Uint8Array {
  const out = new Uint8Array(5 + entries.length * ENTRY_SIZE);
  const view = new DataView(out.buffer);
  view.setUint8(0, TABLE_VERSION);
  view.setUint32(1, entries.length, true);
  entries.forEach((e, i) => writeEntry(view, 5 + i * ENTRY_SIZE, e));
  return out;
}

export function decodeTable(objectKey: string, bytes: Uint8Array, shareIds = false): BlobEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 5) throw new VaultFormatError(`${objectKey}: blob table too short`);
  const version = view.getUint8(0);
  if (version !== TABLE_VERSION) throw unsupportedVersion(`${objectKey} (blob table)`, version);
  const count = view.getUint32(1, true);
  if (bytes.length !== 5 + count * ENTRY_SIZE) throw new VaultFormatError(`${objectKey}: blob table length does not match its count`);
  const out: BlobEntry[] = [];
  for (let i = 0; i < count; i++) out.push(readEntry(bytes, view, 5 + i * ENTRY_SIZE, shareIds));
  return out;
}
