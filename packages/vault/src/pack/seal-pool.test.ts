import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { Codec } from "../compress";
import { VaultKeys } from "../crypto/keys";
import { toHex } from "../hex";
import { pseudoRandomBytes } from "../testing";
import { pseudoText } from "../test-support/fixtures";
import { sealBlob } from "./blob-seal";
import { PACK_HEADER, readPackTable } from "./format";
import { BlobBatch, InlineSealer, WorkerSealer, type SealedPack, type Sealer } from "./seal-pool";
import { SEAL_WORKER_SOURCE } from "./seal-worker-source";

const keys = new VaultKeys(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(16)));

function batchOf(chunks: Uint8Array[]): BlobBatch {
  const batch = new BlobBatch(new ArrayBuffer(36 * chunks.length + chunks.reduce((n, c) => n + c.length, 0)), chunks.length);
  for (const c of chunks) batch.add(keys.blobId(c), c);
  return batch;
}

async function sealAll(sealer: Sealer, batches: Uint8Array[][], targetSize: number, codec: Codec) {
  const packs: { packId: string; bytes: Uint8Array; entries: SealedPack["entries"] }[] = [];
  let done = 0;
  const errors: Error[] = [];
  const stream = sealer.openStream({ targetSize, codec }, {
    pack: (p) => {
      packs.push({ packId: p.packId, bytes: p.bytes.slice(), entries: p.entries });
      p.release();
    },
    done: (n) => (done += n),
    error: (e) => errors.push(e),
  });
  for (const chunks of batches) stream.send(batchOf(chunks));
  await stream.flush();
  stream.close();
  return { packs, done, errors };
}

const sealers: [string, () => Sealer][] = [
  ["inline", () => new InlineSealer(keys.master, 1 << 20)],
  ["worker threads", () => new WorkerSealer(2, keys.master, 1 << 20)],
];

describe.each(sealers)("seal core (%s)", (_name, make) => {
  it.each([Codec.zstd, Codec.brotli, Codec.none])("builds packs byte for byte as the format prescribes (codec %i)", async (codec) => {
    const sealer = make();
    const batches = [
      [pseudoText(1, 1000), pseudoRandomBytes(2, 70_000), new Uint8Array(50).fill(7)],
      [pseudoText(3, 300_000), pseudoRandomBytes(4, 300_000)],
      [pseudoText(5, 20)],
      Array.from({ length: 40 }, (_, i) => pseudoText(10 + i, 5000 + i)),
    ];
    const { packs, done, errors } = await sealAll(sealer, batches, 100_000, codec);
    await sealer.close();
    expect(errors).toEqual([]);
    const all = batches.flat();
    expect(done).toBe(all.reduce((n, c) => n + c.length, 0));
    const byId = new Map(all.map((c) => [toHex(keys.blobId(c)), c]));
    const seen = new Set<string>();
    expect(packs.length).toBeGreaterThanOrEqual(2);
    for (const p of packs) {
      expect(createHash("sha256").update(p.bytes).digest("hex")).toBe(p.packId);
      const table = readPackTable(`data/${p.packId}`, p.bytes, (salt) => keys.packKey(salt));
      expect(table).toEqual(p.entries);
      const salt = p.bytes.slice(8, PACK_HEADER);
      let offset = PACK_HEADER;
      for (const e of table) {
        const chunk = byId.get(toHex(e.id)) as Uint8Array;
        const expected = sealBlob({ chunk, packKey: keys.packKey(salt), packSalt: salt, blobId: e.id, ordinal: e.ordinal, codec });
        expect(e.offset).toBe(offset);
        expect(e.codec).toBe(expected.codec);
        expect(e.rawLength).toBe(chunk.length);
        expect(Buffer.from(p.bytes.subarray(e.offset, e.offset + e.storedLength)).equals(Buffer.from(expected.sealed))).toBe(true);
        offset += e.storedLength;
        seen.add(toHex(e.id));
      }
      // a pack is closed as soon as it reaches the target, so only the last blob can cross it
      expect(table.at(-1)?.offset ?? 0).toBeLessThan(100_000);
    }
    expect(seen.size).toBe(byId.size);
    // text is compressed with the codec asked for, random data and tiny blobs are stored raw
    const codecOf = (c: Uint8Array) => packs.flatMap((p) => p.entries).find((e) => toHex(e.id) === toHex(keys.blobId(c)))?.codec;
    expect(codecOf(batches[1]?.[0] as Uint8Array)).toBe(codec);
    expect(codecOf(batches[1]?.[1] as Uint8Array)).toBe(Codec.none);
    expect(codecOf(batches[0]?.[2] as Uint8Array)).toBe(Codec.none);
  });

  it("keeps streams apart: each stream's blobs land in its own packs", async () => {
    const sealer = make();
    const a = pseudoText(20, 10_000);
    const b = pseudoText(21, 10_000);
    const [ra, rb] = await Promise.all([sealAll(sealer, [[a]], 1 << 20, Codec.zstd), sealAll(sealer, [[b]], 1 << 20, Codec.zstd)]);
    await sealer.close();
    expect(ra.packs.flatMap((p) => p.entries.map((e) => toHex(e.id)))).toEqual([toHex(keys.blobId(a))]);
    expect(rb.packs.flatMap((p) => p.entries.map((e) => toHex(e.id)))).toEqual([toHex(keys.blobId(b))]);
  });
});

describe.each(sealers)("pack buffers (%s)", (name, make) => {
  it("holds at most two packs per seal lane out at a time: sealing waits until the uploader returns one", async () => {
    const sealer = make();
    const limit = name === "inline" ? 2 : 4;
    const held: SealedPack[] = [];
    let done = 0;
    const stream = sealer.openStream({ targetSize: 50_000, codec: Codec.none }, {
      pack: (p) => held.push(p),
      done: (n) => (done += n),
      error: (e) => {
        throw e;
      },
    });
    const chunks = Array.from({ length: 40 }, (_, i) => pseudoRandomBytes(500 + i, 12_000));
    for (let i = 0; i < chunks.length; i += 4) stream.send(batchOf(chunks.slice(i, i + 4)));
    const settle = () => new Promise((r) => setTimeout(r, 50));
    await vi.waitFor(() => expect(held).toHaveLength(limit), { timeout: 5000 });
    await settle();
    expect(held).toHaveLength(limit);
    expect(done).toBeLessThan(40 * 12_000);
    const flushed = stream.flush();
    let released = 0;
    while (released < held.length) {
      held[released++]?.release();
      await settle();
      expect(held.length - released).toBeLessThanOrEqual(limit);
    }
    await flushed;
    expect(done).toBe(40 * 12_000);
    expect(held.flatMap((p) => p.entries).length).toBe(40);
    stream.close();
    await sealer.close();
  });
});

describe("WorkerSealer", () => {
  it("fails the streams of a worker that died, replaces it, and refuses work once closed", async () => {
    // The injected worker exits on a batch of exactly 3 blobs.
    const crashOn3 = `require("node:worker_threads").parentPort.on("message", (m) => { if (m.t === "blobs" && m.n === 3) process.exit(3); });\n${SEAL_WORKER_SOURCE}`;
    const sealer = new WorkerSealer(1, keys.master, 1 << 20, crashOn3);
    const bad = await sealAll(sealer, [[pseudoText(1, 100), pseudoText(2, 100), pseudoText(3, 100)]], 1 << 20, Codec.zstd).catch((e: unknown) => e);
    expect(String(bad)).toMatch(/exited with code 3/);
    const good = await sealAll(sealer, [[pseudoText(4, 100)]], 1 << 20, Codec.zstd);
    expect(good.errors).toEqual([]);
    expect(good.packs).toHaveLength(1);
    await sealer.close();
    expect(() => sealer.openStream({ targetSize: 1 << 20, codec: Codec.zstd }, { pack: () => undefined, done: () => undefined, error: () => undefined })).toThrow(/closed/);
  });
});
