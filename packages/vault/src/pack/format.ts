// Pack layout constants and (de)serialisation of header, table and trailer (docs/vault-format.md §6).
import { counterNonce, open, seal } from "../crypto/aead";
import { VaultFormatError, VaultIntegrityError, unsupportedVersion } from "../errors";
import { decodeTable, encodeTable, type BlobEntry } from "./blob-table";

export const PACK_HEADER = 40;
export const PACK_TRAILER = 8;
const VERSION = 1;
const MAGIC = [0x48, 0x46, 0x50, 0x4b]; // "HFPK"
const TRAILER_MAGIC = [0x48, 0x46, 0x50, 0x54]; // "HFPT"

export function packKeyFor(packId: string): string {
  return `data/${packId.slice(0, 2)}/${packId}`;
}

export function packHeader(salt: Uint8Array): Uint8Array {
  const h = new Uint8Array(PACK_HEADER);
  h.set(MAGIC, 0);
  h[4] = VERSION;
  h.set(salt, 8);
  return h;
}

/** Validates a header and returns its salt. */
export function parsePackHeader(objectKey: string, header: Uint8Array): Uint8Array {
  if (header.length < PACK_HEADER) throw new VaultIntegrityError(objectKey, "truncated pack header");
  if (!MAGIC.every((b, i) => header[i] === b)) throw new VaultFormatError(`${objectKey}: not a pack (bad magic)`);
  if (header[4] !== VERSION) throw unsupportedVersion(objectKey, header[4]);
  return header.slice(8, 40);
}

export function sealTableAndTrailer(packKey: Uint8Array, header: Uint8Array, entries: readonly BlobEntry[]): Uint8Array {
  const table = seal(packKey, counterNonce(0), header, encodeTable(entries));
  const out = new Uint8Array(table.length + PACK_TRAILER);
  out.set(table, 0);
  new DataView(out.buffer).setUint32(table.length, table.length, true);
  out.set(TRAILER_MAGIC, table.length + 4);
  return out;
}

/** Parses a whole pack's table (used by verify and index rebuilds). */
export function readPackTable(objectKey: string, pack: Uint8Array, packKey: (salt: Uint8Array) => Uint8Array): BlobEntry[] {
  const salt = parsePackHeader(objectKey, pack);
  if (pack.length < PACK_HEADER + PACK_TRAILER + 16) throw new VaultIntegrityError(objectKey, "truncated pack");
  const end = pack.length;
  if (!TRAILER_MAGIC.every((b, i) => pack[end - 4 + i] === b)) throw new VaultIntegrityError(objectKey, "pack trailer missing (truncated?)");
  const tableLen = new DataView(pack.buffer, pack.byteOffset, pack.byteLength).getUint32(end - 8, true);
  if (tableLen + PACK_HEADER + PACK_TRAILER > end) throw new VaultIntegrityError(objectKey, "pack table length out of range");
  const sealed = pack.subarray(end - PACK_TRAILER - tableLen, end - PACK_TRAILER);
  const plain = open(packKey(salt), counterNonce(0), pack.subarray(0, PACK_HEADER), sealed);
  if (!plain) throw new VaultIntegrityError(objectKey, "pack table authentication failed");
  return decodeTable(objectKey, plain);
}
