// verify: are all snapshots readable, is every blob they reference indexed, and is every pack
// intact (whole-object SHA-256, table, and each blob's AEAD + keyed id)? Reports every problem
// with the object it concerns instead of stopping at the first.
import { timingSafeEqual } from "node:crypto";
import { decompress } from "./compress";
import { counterNonce, open } from "./crypto/aead";
import { toHex } from "./hex";
import { getVerified } from "./object-read";
import { blobAad } from "./pack/blob-seal";
import { PACK_HEADER, packKeyFor, parsePackHeader, readPackTable } from "./pack/format";
import type { Vault } from "./vault";

export interface VerifyProblem {
  object: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  snapshots: number;
  packsChecked: number;
  blobsChecked: number;
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  /** Fraction of packs to read in full (0..1]; default 1. Snapshots and indexes are always read. */
  packSample?: number;
  random?: () => number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function verifyVault(vault: Vault, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const { store, keys, index } = vault;
  try {
    await index.refresh(store, keys);
  } catch (e) {
    problems.push({ object: "index/", problem: message(e) });
  }
  const ids = await vault.listSnapshotIds();
  const packs = new Set<string>();
  for (const id of ids) {
    const key = `snapshots/${id}`;
    try {
      const m = await vault.readSnapshot(id);
      for (const p of m.packs) packs.add(p);
      // Look blobs up in the manifest's own packs: has() means "may deduplicate against", which
      // excludes packs GC has announced (docs/vault-format.md §11, §13).
      const own = new Set(m.packs);
      for (const item of m.items) {
        for (const blob of item.blobs) {
          if (!index.get(blob, own)) problems.push({ object: key, problem: `item ${item.path}: blob ${blob} is in no index` });
        }
      }
    } catch (e) {
      problems.push({ object: key, problem: message(e) });
    }
  }
  for (const p of index.packIndexes.keys()) packs.add(p);

  const sample = opts.packSample ?? 1;
  const random = opts.random ?? Math.random;
  let packsChecked = 0;
  let blobsChecked = 0;
  for (const packId of [...packs].sort()) {
    if (sample < 1 && random() >= sample) continue;
    const key = packKeyFor(packId);
    packsChecked++;
    try {
      const bytes = await getVerified(store, key, packId);
      const salt = parsePackHeader(key, bytes.subarray(0, PACK_HEADER));
      const packKey = keys.packKey(salt);
      const table = readPackTable(key, bytes, () => packKey);
      for (const e of table) {
        const plain = open(packKey, counterNonce(e.ordinal), blobAad(salt, e.id, e.codec, e.rawLength), bytes.subarray(e.offset, e.offset + e.storedLength));
        const chunk = plain && decompress(e.codec, plain, e.rawLength);
        if (!chunk || chunk.length !== e.rawLength || !timingSafeEqual(keys.blobId(chunk), e.id)) {
          problems.push({ object: key, problem: `blob ${toHex(e.id)} is corrupt` });
        }
        blobsChecked++;
      }
    } catch (e) {
      problems.push({ object: key, problem: message(e) });
    }
  }
  return { ok: problems.length === 0, snapshots: ids.length, packsChecked, blobsChecked, problems };
}
