import { describe, expect, it } from "vitest";
import { VaultKeys } from "../crypto/keys";
import { VaultFormatError, VaultIntegrityError } from "../errors";
import { fromHex } from "../hex";
import { sha256Hex } from "../object-read";
import { indexKeyFor } from "../repo-index/index-file";
import { BlobIndex } from "../repo-index/blob-index";
import { pseudoRandomBytes, streamOf } from "../testing";
import { openTombstone, readTombstone, sealTombstone, tombstoneKeyFor, type Tombstone } from "./tombstone";
import { twoSnapshots } from "./scenario";
import { data, newWorld } from "./test-support";

const VAULT = "00112233445566778899aabbccddeeff";
const keysOf = (seed: number) => new VaultKeys(pseudoRandomBytes(seed, 32), fromHex(VAULT));
const t: Tombstone = { formatVersion: 1, vaultId: VAULT, createdAt: "2030-01-01T00:00:00.000Z", packs: ["ab".repeat(32)] };

describe("tombstone objects", () => {
  it("round-trip, and are named by the SHA-256 of their bytes", () => {
    const keys = keysOf(1);
    const { id, bytes } = sealTombstone(keys, t);
    expect(id).toBe(sha256Hex(bytes));
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("HFGC\x01");
    expect(openTombstone(keys, VAULT, tombstoneKeyFor(id), bytes)).toEqual(t);
  });

  it("refuse another vault's key, tampering and a foreign magic as not authentic, naming the object", () => {
    const { id, bytes } = sealTombstone(keysOf(1), t);
    const key = tombstoneKeyFor(id);
    expect(() => openTombstone(keysOf(2), VAULT, key, bytes)).toThrow(new VaultIntegrityError(key, "authentication failed (tampered, truncated or not from this vault)"));
    const flipped = bytes.slice();
    flipped[60] = (flipped[60] ?? 0) ^ 1;
    expect(() => openTombstone(keysOf(1), VAULT, key, flipped)).toThrow(VaultIntegrityError);
    const index = bytes.slice();
    index.set(Buffer.from("HFIX", "latin1"));
    expect(() => openTombstone(keysOf(1), VAULT, key, index)).toThrow(/not a HFGC object/);
    expect(() => openTombstone(keysOf(1), "ff".repeat(16), key, bytes)).toThrow(/belongs to vault/);
  });

  it("refuse a format version they do not know, as a format error", () => {
    const keys = keysOf(1);
    const { id, bytes } = sealTombstone(keys, t);
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(() => openTombstone(keys, VAULT, tombstoneKeyFor(id), v2)).toThrow(VaultFormatError);
    const payloadV2 = sealTombstone(keys, { ...t, formatVersion: 2 } as unknown as Tombstone);
    expect(() => openTombstone(keys, VAULT, "gc/x", payloadV2.bytes)).toThrow(/unsupported format version 2/);
  });

  it("read falls back past a forged newer version to the authentic one", async () => {
    const w = await newWorld();
    const { id, bytes } = sealTombstone(w.vault.keys, { ...t, vaultId: w.vault.vaultId });
    await w.store.put(tombstoneKeyFor(id), bytes, { retainUntil: w.clock.at(1) });
    await w.store.put(tombstoneKeyFor(id), data(5, 300), { retainUntil: w.clock.at(1) });
    const read = await readTombstone(w.store, w.vault.keys, w.vault.vaultId, id);
    expect(read).toMatchObject({ status: "ok", value: { packs: t.packs } });
  });
});

describe("BlobIndex and GC", () => {
  it("dedup (has) skips tombstoned packs; locating (get) still finds them, and get(id, packs) keeps to a manifest's packs", async () => {
    const s = await twoSnapshots();
    const index = new BlobIndex();
    await index.refresh(s.store, s.vault.keys);
    const victim = s.aOnlyPacks[0] as string;
    const blobs = [...s.ma.items.flatMap((i) => i.blobs)].filter((b) => index.get(b)?.packId === victim);
    expect(blobs.length).toBeGreaterThan(0);
    expect(blobs.every((b) => index.has(b))).toBe(true);

    const { id, bytes } = sealTombstone(s.vault.keys, { ...t, vaultId: s.vault.vaultId, packs: [victim] });
    await s.store.put(tombstoneKeyFor(id), bytes, { retainUntil: s.clock.at(1) });
    await index.refresh(s.store, s.vault.keys);
    expect(index.tombstonedPacks).toEqual(new Set([victim]));
    for (const b of blobs) {
      expect(index.has(b)).toBe(false);
      expect(index.get(b)?.packId).toBe(victim);
      expect(index.get(b, new Set(s.ma.packs))?.packId).toBe(victim);
      expect(index.get(b, new Set(s.mb.packs))).toBeUndefined();
    }

    // A re-upload of the same blobs elsewhere is what dedup and get() then prefer.
    const w = await s.vault.startSnapshot({ source: "t", unit: "again", startedAt: new Date(), retainUntil: s.clock.at(20) });
    await w.putItem("a.bin", streamOf(s.itemsA.get("a.bin") as Uint8Array));
    await w.commit();
    const fresh = s.vault.index;
    for (const b of blobs) {
      expect(fresh.has(b)).toBe(true);
      expect(fresh.get(b)?.packId).not.toBe(victim);
      expect(fresh.get(b, new Set([victim]))?.packId).toBe(victim);
    }
  });

  it("ignores objects under gc/ that are not authentic tombstones, without failing the refresh", async () => {
    const w = await newWorld();
    const junk = data(8, 500);
    await w.store.put(tombstoneKeyFor(sha256Hex(junk)), junk, { retainUntil: w.clock.at(1) });
    const other = sealTombstone(keysOf(3), t);
    await w.store.put(tombstoneKeyFor(other.id), other.bytes, { retainUntil: w.clock.at(1) });
    const index = new BlobIndex();
    await index.refresh(w.store, w.vault.keys);
    expect([...index.ignoredTombstones.keys()].sort()).toEqual([sha256Hex(junk), other.id].sort());
    expect(index.tombstonedPacks.size).toBe(0);
  });

  it("forgets an index that has disappeared from the bucket and stops deduplicating against its packs", async () => {
    const s = await twoSnapshots();
    const index = new BlobIndex();
    await index.refresh(s.store, s.vault.keys);
    const gone = s.aOnlyIndexes[0] as string;
    const packs = [...index.packIndexes].filter(([, ids]) => ids.has(gone)).map(([p]) => p);
    const blob = s.ma.items.flatMap((i) => i.blobs).find((b) => packs.includes(index.get(b)?.packId ?? ""));
    expect(blob).toBeDefined();
    s.store.objects.delete(indexKeyFor(gone)); // as GC would, once unlocked
    await index.refresh(s.store, s.vault.keys);
    expect(index.loadedIndexes.has(gone)).toBe(false);
    expect(packs.every((p) => index.retiredPacks.has(p) && !index.packIndexes.has(p))).toBe(true);
    expect(index.has(blob as string)).toBe(false);

    // An index this process wrote itself, not listed yet, is never taken for a deleted one.
    const own = new BlobIndex();
    own.addPacks("cd".repeat(32), [{ packId: "ef".repeat(32), size: 1, entries: [] }]);
    await own.refresh(s.store, s.vault.keys);
    expect(own.loadedIndexes.has("cd".repeat(32))).toBe(true);
  });
});
