// Reads blobs out of packs by byte range, verifying AEAD, length and keyed id (docs/vault-format.md
// §6.2). A blob that fails on the current version of its pack is looked for in older versions: an
// overwrite cannot hide locked content. `readBlob` reads one blob; `readRange` reads many blobs of
// one pack with a single GET (the restore planner, src/restore/, coalesces them).
import { timingSafeEqual } from "node:crypto";
import { decompress } from "../compress";
import { counterNonce, open } from "../crypto/aead";
import type { VaultKeys } from "../crypto/keys";
import { VaultError, VaultIntegrityError } from "../errors";
import { toHex } from "../hex";
import { versionsOf } from "../object-read";
import type { ObjectStore } from "../store/types";
import { blobAad } from "./blob-seal";
import type { BlobEntry } from "./blob-table";
import { PACK_HEADER, packKeyFor, parsePackHeader } from "./format";

/** What a pack's 40-byte header yields: its salt and the key derived from it. */
export interface PackSecrets {
  salt: Uint8Array;
  key: Uint8Array;
}

/**
 * Decrypts, decompresses and checks one sealed blob (§6.2): AEAD (key, counter nonce, AAD binding
 * salt, id, codec, length), decompressed length, keyed id. Throws a VaultIntegrityError naming
 * `objectKey`; never returns wrong bytes.
 */
export function openBlob(keys: VaultKeys, objectKey: string, pack: PackSecrets, entry: BlobEntry, sealed: Uint8Array): Uint8Array {
  const blobHex = toHex(entry.id);
  if (sealed.length !== entry.storedLength) {
    throw new VaultIntegrityError(objectKey, `blob ${blobHex} truncated (${sealed.length} of ${entry.storedLength} bytes)`);
  }
  const plain = open(pack.key, counterNonce(entry.ordinal), blobAad(pack.salt, entry.id, entry.codec, entry.rawLength), sealed);
  if (!plain) throw new VaultIntegrityError(objectKey, `blob ${blobHex} failed authentication (corrupt or tampered)`);
  let chunk: Uint8Array;
  try {
    chunk = decompress(entry.codec, plain, entry.rawLength);
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw new VaultIntegrityError(objectKey, `blob ${blobHex} does not decompress`, { cause: e });
  }
  if (chunk.length !== entry.rawLength) throw new VaultIntegrityError(objectKey, `blob ${blobHex} has the wrong length`);
  if (!timingSafeEqual(keys.blobId(chunk), entry.id)) throw new VaultIntegrityError(objectKey, `blob ${blobHex} content does not match its id`);
  return chunk;
}

/** One GET's worth of a pack: `[offset, offset+length)`, covering `entries` (sorted by offset). */
export interface PackRange {
  offset: number;
  length: number;
  entries: readonly BlobEntry[];
}

/** Per blob of a range, in order: its verified bytes, or why it could not be had from this version. */
export type RangeBlob = { index: number; chunk: Uint8Array } | { index: number; error: VaultError };

export class PackReader {
  readonly #headers = new Map<string, Promise<PackSecrets>>();
  readonly #versions = new Map<string, Promise<string[]>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: VaultKeys,
  ) {}

  async readBlob(packId: string, entry: BlobEntry): Promise<Uint8Array> {
    const objectKey = packKeyFor(packId);
    let failure: unknown;
    try {
      return await this.#readFrom(objectKey, entry, undefined);
    } catch (e) {
      failure = e;
    }
    for (const versionId of await this.olderVersions(packId)) {
      try {
        return await this.#readFrom(objectKey, entry, versionId);
      } catch {
        // next older version
      }
    }
    if (failure instanceof VaultError) throw failure;
    throw new VaultIntegrityError(objectKey, `blob ${toHex(entry.id)} unreadable`, { cause: failure });
  }

  /**
   * Every stored version of a pack, newest first (the current one included: a reader cannot tell
   * which listed version it was served). Listed once per reader; [] when listing fails, so the
   * caller reports the original failure.
   */
  olderVersions(packId: string): Promise<string[]> {
    const objectKey = packKeyFor(packId);
    let p = this.#versions.get(objectKey);
    if (!p) {
      p = versionsOf(this.store, objectKey).then(
        (vs) => vs.map((v) => v.versionId),
        () => {
          this.#versions.delete(objectKey);
          return [];
        },
      );
      this.#versions.set(objectKey, p);
    }
    return p;
  }

  /**
   * Reads a range of one version of a pack with a single GET and yields each blob in it, verified,
   * or the error that blob met. The whole call throws when the range itself cannot be had (GET
   * failed, short read, bad header). A range starting at 0 carries the header, which then serves
   * every other range of that pack version too.
   */
  async *readRange(packId: string, range: PackRange, versionId?: string): AsyncGenerator<RangeBlob> {
    const objectKey = packKeyFor(packId);
    const fetched = this.store.get(objectKey, { offset: range.offset, length: range.length }, versionId);
    let secrets: Promise<PackSecrets>;
    if (range.offset === 0 && range.length >= PACK_HEADER) {
      secrets = fetched.then((bytes) => this.#secrets(objectKey, bytes));
      this.#remember(`${objectKey}@${versionId ?? ""}`, secrets);
    } else {
      secrets = this.#header(objectKey, versionId);
      fetched.catch(() => undefined);
    }
    const [bytes, pack] = await Promise.all([fetched, secrets]);
    if (bytes.length !== range.length) {
      throw new VaultIntegrityError(objectKey, `range ${range.offset}+${range.length} truncated (${bytes.length} bytes)`);
    }
    for (let i = 0; i < range.entries.length; i++) {
      const e = range.entries[i] as BlobEntry;
      const at = e.offset - range.offset;
      if (at < 0 || at + e.storedLength > bytes.length) throw new VaultError(`${objectKey}: blob ${toHex(e.id)} lies outside the range read`);
      try {
        yield { index: i, chunk: openBlob(this.keys, objectKey, pack, e, bytes.subarray(at, at + e.storedLength)) };
      } catch (err) {
        yield { index: i, error: err instanceof VaultError ? err : new VaultIntegrityError(objectKey, `blob ${toHex(e.id)} unreadable`, { cause: err }) };
      }
    }
  }

  async #readFrom(objectKey: string, entry: BlobEntry, versionId: string | undefined): Promise<Uint8Array> {
    const pack = await this.#header(objectKey, versionId);
    const sealed = await this.store.get(objectKey, { offset: entry.offset, length: entry.storedLength }, versionId);
    return openBlob(this.keys, objectKey, pack, entry, sealed);
  }

  #secrets(objectKey: string, header: Uint8Array): PackSecrets {
    const salt = parsePackHeader(objectKey, header.subarray(0, PACK_HEADER));
    return { salt, key: this.keys.packKey(salt) };
  }

  #remember(cacheKey: string, p: Promise<PackSecrets>): void {
    p.catch(() => {
      if (this.#headers.get(cacheKey) === p) this.#headers.delete(cacheKey);
    });
    this.#headers.set(cacheKey, p);
  }

  #header(objectKey: string, versionId: string | undefined): Promise<PackSecrets> {
    const cacheKey = `${objectKey}@${versionId ?? ""}`;
    let p = this.#headers.get(cacheKey);
    if (!p) {
      p = this.store.get(objectKey, { offset: 0, length: PACK_HEADER }, versionId).then((h) => this.#secrets(objectKey, h));
      this.#remember(cacheKey, p);
    }
    return p;
  }
}
