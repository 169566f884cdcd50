import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Codec } from "../compress";
import { open, counterNonce } from "../crypto/aead";
import { blobAad } from "./blob-seal";
import { WorkerSealer } from "./seal-pool";
import { SEAL_WORKER_SOURCE } from "./seal-worker-source";

const input = (ordinal = 1) => ({
  chunk: new Uint8Array(randomBytes(1000)),
  packKey: new Uint8Array(randomBytes(32)),
  packSalt: new Uint8Array(randomBytes(32)),
  blobId: new Uint8Array(randomBytes(32)),
  ordinal,
  codec: Codec.brotli,
});

describe("WorkerSealer", () => {
  it("produces blobs the reader opens", async () => {
    const pool = new WorkerSealer(2);
    const i = input(7);
    const { packKey, packSalt, blobId, chunk } = i;
    const copy = chunk.slice();
    const s = await pool.seal(i);
    expect(s.codec).toBe(Codec.none); // random bytes do not compress
    const plain = open(packKey, counterNonce(7), blobAad(packSalt, blobId, s.codec, copy.length), s.sealed);
    expect(Buffer.from(plain ?? []).equals(copy)).toBe(true);
    await pool.close();
    await expect(pool.seal(input())).rejects.toThrow(/closed/);
  });

  it("replaces a worker that died, failing only the seal it held", async () => {
    const crashOn999 = `require("node:worker_threads").parentPort.on("message", (m) => { if (m.ordinal === 999) process.exit(3); });\n${SEAL_WORKER_SOURCE}`;
    const pool = new WorkerSealer(1, crashOn999);
    await expect(pool.seal(input(999))).rejects.toThrow(/exited with code 3/);
    expect((await pool.seal(input(1))).sealed.length).toBe(1016);
    await pool.close();
  });
});
