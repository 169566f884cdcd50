// GC tombstones (docs/vault-format.md §13): `gc/<id>` lists packs GC is about to delete, so writers
// stop deduplicating against them. Sealed exactly like index and snapshot objects (§5) under their
// own magic and key label; writers and GC are the only readers (holdfast-restore never needs them).
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { decompress, maybeCompress } from "../compress";
import { open, seal } from "../crypto/aead";
import { hkdf } from "../crypto/hkdf";
import type { VaultKeys } from "../crypto/keys";
import { FORMAT_VERSION, VaultError, VaultFormatError, VaultIntegrityError, unsupportedVersion } from "../errors";
import type { ObjectStore } from "../store/types";
import { assertMagic, readAuthentic, type AuthenticRead } from "./authentic-read";
import type { StoredVersion } from "./inventory";

export const TOMBSTONE_PREFIX = "gc/";
const MAGIC = "HFGC";
const LABEL = "holdfast/v1/tombstone";
const HEADER = 40;
const VERSION = 1;
const ZERO_NONCE = new Uint8Array(12);
const HEX64 = /^[0-9a-f]{64}$/;

export const Tombstone = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  vaultId: z.string(),
  createdAt: z.string(),
  packs: z.array(z.string().regex(HEX64)),
});
export type Tombstone = z.infer<typeof Tombstone>;

export function tombstoneKeyFor(id: string): string {
  return `${TOMBSTONE_PREFIX}${id}`;
}

/** The id in a `gc/<id>` key, or null for a key that is not a tombstone name. */
export function tombstoneIdOf(key: string): string | null {
  const id = key.slice(TOMBSTONE_PREFIX.length);
  return key.startsWith(TOMBSTONE_PREFIX) && HEX64.test(id) ? id : null;
}

export function sealTombstone(keys: VaultKeys, t: Tombstone): { id: string; bytes: Uint8Array } {
  const header = new Uint8Array(HEADER);
  header.set(Buffer.from(MAGIC, "latin1"), 0);
  header[4] = VERSION;
  const salt = randomBytes(32);
  header.set(salt, 8);
  const c = maybeCompress(new TextEncoder().encode(JSON.stringify(t)));
  const body = new Uint8Array(1 + c.data.length);
  body[0] = c.codec;
  body.set(c.data, 1);
  const ct = seal(hkdf(keys.master, salt, LABEL), ZERO_NONCE, header, body);
  const bytes = new Uint8Array(HEADER + ct.length);
  bytes.set(header, 0);
  bytes.set(ct, HEADER);
  return { id: createHash("sha256").update(bytes).digest("hex"), bytes };
}

/**
 * Opens a tombstone's bytes. Throws VaultIntegrityError for anything not sealed by this vault's key
 * (an intruder's object) and VaultFormatError for a version this code does not know.
 */
export function openTombstone(keys: VaultKeys, vaultId: string, key: string, bytes: Uint8Array): Tombstone {
  if (bytes.length < HEADER + 17) throw new VaultIntegrityError(key, `truncated (${bytes.length} bytes)`);
  assertMagic(key, bytes, MAGIC);
  if (bytes[4] !== VERSION) throw unsupportedVersion(key, bytes[4]);
  const header = bytes.subarray(0, HEADER);
  const body = open(hkdf(keys.master, bytes.subarray(8, 40), LABEL), ZERO_NONCE, header, bytes.subarray(HEADER));
  if (!body) throw new VaultIntegrityError(key, "authentication failed (tampered, truncated or not from this vault)");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(decompress(body[0] ?? 0, body.subarray(1))).toString("utf8"));
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw new VaultFormatError(`${key}: tombstone is not JSON`, { cause: e });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) throw unsupportedVersion(key, version);
  const parsed = Tombstone.safeParse(json);
  if (!parsed.success) throw new VaultFormatError(`${key}: malformed tombstone: ${parsed.error.message}`);
  if (parsed.data.vaultId !== vaultId) throw new VaultIntegrityError(key, `belongs to vault ${parsed.data.vaultId}, not ${vaultId}`);
  return parsed.data;
}

export function readTombstone(
  store: ObjectStore,
  keys: VaultKeys,
  vaultId: string,
  id: string,
  versions?: readonly StoredVersion[],
): Promise<AuthenticRead<Tombstone>> {
  const key = tombstoneKeyFor(id);
  return readAuthentic(store, key, id, (bytes) => openTombstone(keys, vaultId, key, bytes), versions);
}
