// Source of the seal worker, run with `new Worker(src, { eval: true })` so it works the same under
// tsx, vitest and a bundle (no .ts file path to resolve). It mirrors blob-seal.ts + compress.ts
// exactly; blob-seal.test.ts checks that both produce blobs the reader accepts.
export const SEAL_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const zlib = require("node:zlib");
const zstd = workerData.zstdPath ? require(workerData.zstdPath) : null;
const SAMPLE = 65536;
function compressWith(codec, data) {
  if (codec === 1) return zstd.compress(data, { compressionLevel: 3 });
  return zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
}
function maybeCompress(codec, data) {
  if (codec === 0 || data.length < 64) return { codec: 0, data };
  if (codec === 1 && !zstd) codec = 2;
  if (data.length > 4 * SAMPLE) {
    const s = compressWith(codec, data.subarray(0, SAMPLE));
    if (s.length > SAMPLE * 0.95) return { codec: 0, data };
  }
  const out = compressWith(codec, data);
  if (out.length > data.length * 0.97) return { codec: 0, data };
  return { codec, data: out };
}
function seal(m) {
  const c = maybeCompress(m.codec, m.chunk);
  const aad = new Uint8Array(73);
  aad.set([0x48, 0x46, 0x42, 0x31], 0);
  aad.set(m.packSalt, 4);
  aad.set(m.blobId, 36);
  aad[68] = c.codec;
  new DataView(aad.buffer).setUint32(69, m.chunk.length, true);
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(4, BigInt(m.ordinal), false);
  const cipher = crypto.createCipheriv("aes-256-gcm", m.packKey, nonce, { authTagLength: 16 });
  cipher.setAAD(aad);
  const head = cipher.update(c.data);
  const tail = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(head.length + tail.length + 16);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(tag, head.length + tail.length);
  return { codec: c.codec, sealed: out };
}
parentPort.on("message", (m) => {
  try {
    const r = seal(m);
    parentPort.postMessage({ seq: m.seq, codec: r.codec, sealed: r.sealed }, [r.sealed.buffer]);
  } catch (e) {
    parentPort.postMessage({ seq: m.seq, error: String((e && e.stack) || e) });
  }
});
`;
