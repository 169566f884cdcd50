// Sealed objects: index files and snapshot manifests (docs/vault-format.md §5).
import { randomBytes } from "node:crypto";
import { decompress, maybeCompress, type Codec } from "./compress";
import { open, seal } from "./crypto/aead";
import type { VaultKeys } from "./crypto/keys";
import { VaultError, VaultFormatError, VaultIntegrityError, unsupportedVersion } from "./errors";

export type SealedKind = "index" | "snapshot";

const MAGIC: Record<SealedKind, string> = { index: "HFIX", snapshot: "HFSN" };
const HEADER = 40;
const VERSION = 1;
const ZERO_NONCE = new Uint8Array(12);

export function sealObject(keys: VaultKeys, kind: SealedKind, payload: Uint8Array, codec?: Codec): Uint8Array {
  const header = new Uint8Array(HEADER);
  header.set(Buffer.from(MAGIC[kind], "latin1"), 0);
  header[4] = VERSION;
  const salt = randomBytes(32);
  header.set(salt, 8);
  const c = maybeCompress(payload, codec === undefined ? {} : { codec });
  const body = new Uint8Array(1 + c.data.length);
  body[0] = c.codec;
  body.set(c.data, 1);
  const ct = seal(keys.objectKey(kind, salt), ZERO_NONCE, header, body);
  const out = new Uint8Array(HEADER + ct.length);
  out.set(header, 0);
  out.set(ct, HEADER);
  return out;
}

export function openObject(keys: VaultKeys, kind: SealedKind, objectKey: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER + 17) throw new VaultIntegrityError(objectKey, `truncated (${bytes.length} bytes)`);
  const magic = Buffer.from(bytes.subarray(0, 4)).toString("latin1");
  if (magic !== MAGIC[kind]) throw new VaultFormatError(`${objectKey}: not a ${kind} object (magic ${JSON.stringify(magic)})`);
  if (bytes[4] !== VERSION) throw unsupportedVersion(objectKey, bytes[4]);
  const header = bytes.subarray(0, HEADER);
  const body = open(keys.objectKey(kind, bytes.subarray(8, 40)), ZERO_NONCE, header, bytes.subarray(HEADER));
  if (!body) throw new VaultIntegrityError(objectKey, "authentication failed (tampered, truncated or not from this vault)");
  try {
    return decompress(body[0] ?? 0, body.subarray(1));
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw new VaultIntegrityError(objectKey, "payload does not decompress", { cause: e });
  }
}
