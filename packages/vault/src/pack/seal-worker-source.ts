// The seal core: compresses and encrypts blobs (docs/vault-format.md §6.2, §6.3) straight into the
// pack it is building, and when the pack reaches its target size seals its table, appends the
// trailer (§6.1), hashes it (the pack id) and hands the finished pack back. Plain JavaScript in a
// string so that the very same code runs in a worker thread (`new Worker(src, { eval: true })`,
// which works alike under tsx, vitest and a bundle: no .ts path to resolve) and, through
// node:vm, on the calling thread (`workers: 0`). blob-seal.ts is the TypeScript reference for one
// blob; seal-pool.test.ts checks that the core's packs are byte for byte what it prescribes.
//
// Protocol (messages in, `post(message, transfer)` out; one core serves many streams, one per
// snapshot writer, each with its own open pack):
//   { t: "open", s, targetSize, codec }          start stream s
//   { t: "blobs", s, seq, n, buf, dataOffset, dataLength }
//                                                n blobs in one buffer: n × (id[32] | rawLength u32 LE)
//                                                from offset 0, their plaintexts back to back from dataOffset
//     → { t: "pack", s, packId, buf, len, table, tableLen }  (zero or more, before "done")
//     → { t: "done", s, seq, bytes, buf }        `buf` returned for reuse
//   { t: "flush", s, seq }                       close s's open pack now → "pack"?, { t: "flushed", s, seq }
//   { t: "close", s }                            forget s (an open pack is dropped, its buffer kept)
//   { t: "spare", buf }                          a finished pack's buffer, back from the upload
//   errors → { t: "error", s, seq, message }
// Memory: a core opens a new pack only while at most one of its packs is with the uploader (or
// when a returned buffer is at hand); otherwise it holds its queue until a buffer comes back. With
// one upload at a time a third buffer would only wait in the upload queue: this caps a writer at
// two pack buffers (~25 MiB each, resident) without slowing it. The master key is passed in
// (same process) so that the core derives each new pack's key without a round trip.
export const SEAL_CORE_SOURCE = String.raw`
function createSealCore(require, init, post) {
  "use strict";
  const crypto = require("node:crypto");
  const zlib = require("node:zlib");
  // zstd level 3 through the low-level binding, into one reused scratch buffer (the high-level
  // compress() allocates a fresh buffer per call, garbage that kept the worker's RSS high).
  let zstd = null;
  let zbind = null;
  let scratch = new Uint8Array(0);
  if (init.zstdBindingPath) {
    zbind = require(init.zstdBindingPath);
    zstd = new zbind.CCtx();
    zstd.setParameter(zbind.CParameter.compressionLevel, 3);
  }
  const SAMPLE = 65536;
  const HEADER = 40;
  const ENTRY = 49;
  const PACK_INFO = Buffer.from("holdfast/v1/pack", "utf8");
  const master = init.master;
  const streams = new Map();
  const spares = [];
  let lent = 0; // pack buffers posted and not yet returned
  const deferred = []; // messages held until a buffer comes back (FIFO)
  const nonce = new Uint8Array(12);
  const nonceView = new DataView(nonce.buffer);

  function compressWith(codec, data) {
    if (codec === 1) {
      const bound = zbind.compressBound(data.length);
      if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, 1048576));
      return scratch.subarray(0, zstd.compress2(scratch, data));
    }
    return zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  }
  // Same rule as compress.ts maybeCompress: stored raw when a 64 KiB sample or the whole blob does not pay.
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

  function canOpen() {
    return spares.length > 0 || lent < 2;
  }

  function openPack(s) {
    const salt = crypto.randomBytes(32);
    const key = crypto.createSecretKey(Buffer.from(crypto.hkdfSync("sha256", master, salt, PACK_INFO, 32)));
    // Room for the target, the largest blob that can cross it and a table: a pack buffer never has
    // to grow (untouched pages cost nothing). Growing freed 25 MiB blocks, and glibc then raised
    // its mmap threshold so that every later buffer came from (and fragmented) the heap.
    const want = s.targetSize + init.maxBlob + 16 + 1048576;
    let ab = null;
    while (spares.length > 0 && ab === null) {
      const b = spares.pop();
      if (b.byteLength >= want) ab = b;
    }
    const buf = new Uint8Array(ab || new ArrayBuffer(want));
    buf.set([0x48, 0x46, 0x50, 0x4b, 1, 0, 0, 0], 0); // "HFPK", version 1, zero
    buf.set(salt, 8);
    const aad = new Uint8Array(73); // "HFB1" || salt || blobId || codec || rawLength
    aad.set([0x48, 0x46, 0x42, 0x31], 0);
    aad.set(salt, 4);
    const table = new Uint8Array(5 + 256 * ENTRY);
    return { key, buf, len: HEADER, count: 0, aad, aadView: new DataView(aad.buffer), table, tableLen: 5 };
  }

  function grow(p, need) {
    const next = new Uint8Array(Math.max(need, Math.ceil(p.buf.length * 1.25)));
    next.set(p.buf.subarray(0, p.len));
    p.buf = next;
  }

  // Every blob's ciphertext comes back from node:crypto as a fresh buffer, dead once copied into
  // the pack; V8 frees those at a young-generation GC, which it starts only after 32 MiB of them
  // (a fixed threshold), and glibc keeps the space. Filling the (4 MiB) young generation with a
  // few short-lived objects every 8 MiB of output starts that GC earlier: the worker's heap stays
  // ~20 MiB smaller for ~1 ms per 8 MiB. There is no API for it without --expose-gc.
  let sinceGc = 0;
  function nudgeYoungGc() {
    let junk = null;
    for (let k = 0; k < 65536; k++) junk = [k, k];
    return junk;
  }

  function setNonce(i) {
    nonceView.setUint32(4, Math.floor(i / 4294967296), false);
    nonceView.setUint32(8, i >>> 0, false);
  }

  function gcm(key, aad, plain) {
    const c = crypto.createCipheriv("aes-256-gcm", key, nonce, { authTagLength: 16 });
    c.setAAD(aad);
    const head = c.update(plain);
    const tail = c.final();
    return { head, tail, tag: c.getAuthTag() };
  }

  function sealInto(s, id, chunk) {
    const p = s.pack || (s.pack = openPack(s));
    const c = maybeCompress(s.codec, chunk);
    const ordinal = p.count + 1;
    p.aad.set(id, 36);
    p.aad[68] = c.codec;
    p.aadView.setUint32(69, chunk.length, true);
    setNonce(ordinal);
    const { head, tail, tag } = gcm(p.key, p.aad, c.data);
    const stored = head.length + tail.length + 16;
    if (p.len + stored > p.buf.length) grow(p, p.len + stored);
    p.buf.set(head, p.len);
    if (tail.length > 0) p.buf.set(tail, p.len + head.length);
    p.buf.set(tag, p.len + head.length + tail.length);
    if (p.tableLen + ENTRY > p.table.length) {
      const t = new Uint8Array(p.table.length * 2);
      t.set(p.table.subarray(0, p.tableLen));
      p.table = t;
    }
    const tv = new DataView(p.table.buffer, p.tableLen, ENTRY);
    p.table.set(id, p.tableLen);
    tv.setUint32(32, ordinal, true);
    tv.setUint32(36, p.len, true);
    tv.setUint32(40, stored, true);
    tv.setUint32(44, chunk.length, true);
    tv.setUint8(48, c.codec);
    p.tableLen += ENTRY;
    p.count = ordinal;
    p.len += stored;
    sinceGc += stored;
    if (sinceGc >= 8388608) {
      sinceGc = 0;
      nudgeYoungGc();
    }
    if (p.len >= s.targetSize) closePack(s);
  }

  function closePack(s) {
    const p = s.pack;
    s.pack = null;
    if (!p) return;
    if (p.count === 0) {
      spare(p.buf.buffer);
      return;
    }
    p.table[0] = 1;
    new DataView(p.table.buffer).setUint32(1, p.count, true);
    setNonce(0);
    const { head, tail, tag } = gcm(p.key, p.buf.subarray(0, HEADER), p.table.subarray(0, p.tableLen));
    const t = head.length + tail.length + 16;
    if (p.len + t + 8 > p.buf.length) grow(p, p.len + t + 8);
    p.buf.set(head, p.len);
    if (tail.length > 0) p.buf.set(tail, p.len + head.length);
    p.buf.set(tag, p.len + head.length + tail.length);
    p.len += t;
    new DataView(p.buf.buffer).setUint32(p.len, t, true);
    p.buf.set([0x48, 0x46, 0x50, 0x54], p.len + 4); // "HFPT"
    p.len += 8;
    const packId = crypto.createHash("sha256").update(p.buf.subarray(0, p.len)).digest("hex");
    lent++;
    post({ t: "pack", s: s.id, packId, buf: p.buf.buffer, len: p.len, table: p.table.buffer, tableLen: p.tableLen }, [p.buf.buffer, p.table.buffer]);
  }

  // One spare pack buffer per core: the next pack reuses the last uploaded one's pages.
  function spare(buf) {
    if (spares.length < 1) spares.push(buf);
  }

  function fail(m, e) {
    post({ t: "error", s: m.s, seq: m.seq, message: String((e && e.stack) || e) }, []);
  }

  /** Handles one message; false when it must wait for a pack buffer (progress is kept in m.next). */
  function process(m) {
    switch (m.t) {
      case "open":
        streams.set(m.s, { id: m.s, targetSize: m.targetSize, codec: m.codec, pack: null });
        return true;
      case "blobs": {
        try {
          const s = streams.get(m.s);
          if (!s) throw new Error("seal core: unknown stream " + m.s);
          const bytes = new Uint8Array(m.buf);
          const meta = new DataView(m.buf);
          if (m.next === undefined) {
            m.next = 0;
            m.off = m.dataOffset;
          }
          for (; m.next < m.n; m.next++) {
            if (!s.pack && !canOpen()) return false;
            const len = meta.getUint32(m.next * 36 + 32, true);
            sealInto(s, bytes.subarray(m.next * 36, m.next * 36 + 32), bytes.subarray(m.off, m.off + len));
            m.off += len;
          }
          post({ t: "done", s: m.s, seq: m.seq, bytes: m.dataLength, buf: m.buf }, [m.buf]);
        } catch (e) {
          fail(m, e);
        }
        return true;
      }
      case "flush":
        try {
          const s = streams.get(m.s);
          if (s) closePack(s);
          post({ t: "flushed", s: m.s, seq: m.seq }, []);
        } catch (e) {
          fail(m, e);
        }
        return true;
      case "close": {
        const s = streams.get(m.s);
        if (s && s.pack) spare(s.pack.buf.buffer);
        streams.delete(m.s);
        return true;
      }
    }
    return true;
  }

  function handle(m) {
    if (m.t === "spare") {
      lent--;
      spare(m.buf);
      while (deferred.length > 0 && process(deferred[0])) deferred.shift();
      return;
    }
    if (deferred.length > 0 || !process(m)) deferred.push(m);
  }
  return { handle };
}
`;

/** The worker thread's script: the core, wired to the parent port. */
export const SEAL_WORKER_SOURCE = `${SEAL_CORE_SOURCE}
const { parentPort, workerData } = require("node:worker_threads");
const core = createSealCore(require, workerData, (m, transfer) => parentPort.postMessage(m, transfer));
parentPort.on("message", (m) => core.handle(m));
`;
