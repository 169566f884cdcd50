// Reads single blobs out of packs by byte range, verifying AEAD, length and keyed id
// (docs/vault-format.md §6.2). A blob that fails on the current version of its pack is looked
// for in older versions: an overwrite cannot hide locked content.
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

export class PackReader {
  readonly #headers = new Map<string, Promise<{ salt: Uint8Array; key: Uint8Array }>>();

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
    let versions: { versionId: string }[] = [];
    try {
      versions = await versionsOf(this.store, objectKey);
    } catch {
      // fall through to the original failure
    }
    for (const v of versions) {
      try {
        return await this.#readFrom(objectKey, entry, v.versionId);
      } catch {
        // next older version
      }
    }
    if (failure instanceof VaultError) throw failure;
    throw new VaultIntegrityError(objectKey, `blob ${toHex(entry.id)} unreadable`, { cause: failure });
  }

  async #readFrom(objectKey: string, entry: BlobEntry, versionId: string | undefined): Promise<Uint8Array> {
    const { salt, key } = await this.#header(objectKey, versionId);
    const blobHex = toHex(entry.id);
    const sealed = await this.store.get(objectKey, { offset: entry.offset, length: entry.storedLength }, versionId);
    if (sealed.length !== entry.storedLength) {
      throw new VaultIntegrityError(objectKey, `blob ${blobHex} truncated (${sealed.length} of ${entry.storedLength} bytes)`);
    }
    const plain = open(key, counterNonce(entry.ordinal), blobAad(salt, entry.id, entry.codec, entry.rawLength), sealed);
    if (!plain) throw new VaultIntegrityError(objectKey, `blob ${blobHex} failed authentication (corrupt or tampered)`);
    let chunk: Uint8Array;
    try {
      chunk = decompress(entry.codec, plain, entry.rawLength);
    } catch (e) {
      if (e instanceof VaultError) throw e;
      throw new VaultIntegrityError(objectKey, `blob ${blobHex} does not decompress`, { cause: e });
    }
    if (chunk.length !== entry.rawLength) throw new VaultIntegrityError(objectKey, `blob ${blobHex} has the wrong length`);
    const id = this.keys.blobId(chunk);
    if (!timingSafeEqual(id, entry.id)) throw new VaultIntegrityError(objectKey, `blob ${blobHex} content does not match its id`);
    return chunk;
  }

  #header(objectKey: string, versionId: string | undefined): Promise<{ salt: Uint8Array; key: Uint8Array }> {
    const cacheKey = `${objectKey}@${versionId ?? ""}`;
    let p = this.#headers.get(cacheKey);
    if (!p) {
      p = this.store.get(objectKey, { offset: 0, length: PACK_HEADER }, versionId).then((h) => {
        const salt = parsePackHeader(objectKey, h);
        return { salt, key: this.keys.packKey(salt) };
      });
      p.catch(() => this.#headers.delete(cacheKey));
      this.#headers.set(cacheKey, p);
    }
    return p;
  }
}
