// Compression codecs on 1 MiB chunks of real files: ratio and single-core MB/s.
// Usage: npx tsx src/tools/measure-compression.ts <dir> [MiB]
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { brotliCompressSync, constants as zc, deflateRawSync } from "node:zlib";

interface Zstd {
  compress(d: Uint8Array, p?: { compressionLevel?: number }): Buffer;
}
let zstd: Zstd | null = null;
try {
  zstd = createRequire(import.meta.url)("zstd-napi") as Zstd;
} catch {
  console.log("zstd-napi binding not available: zstd rows skipped");
}

function corpus(dir: string, limit: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (n >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const b = readFileSync(p);
        parts.push(b);
        n += b.length;
      }
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

const [dir = ".", mib = "48"] = process.argv.slice(2);
const sets: [string, Buffer][] = [
  [dir, corpus(dir, Number(mib) * 2 ** 20)],
  ["random", randomBytes(16 * 2 ** 20)],
];
const codecs: [string, (c: Buffer) => Uint8Array][] = [
  ...(zstd ? ([1, 3, 6].map((l) => [`zstd-${l}`, (c: Buffer) => (zstd).compress(c, { compressionLevel: l })]) as [string, (c: Buffer) => Uint8Array][]) : []),
  ["deflate-1", (c) => deflateRawSync(c, { level: 1 })],
  ["deflate-6", (c) => deflateRawSync(c, { level: 6 })],
  ["brotli-1", (c) => brotliCompressSync(c, { params: { [zc.BROTLI_PARAM_QUALITY]: 1 } })],
  ["brotli-4", (c) => brotliCompressSync(c, { params: { [zc.BROTLI_PARAM_QUALITY]: 4 } })],
];
for (const [name, data] of sets) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 2 ** 20) chunks.push(data.subarray(i, i + 2 ** 20));
  for (const [codec, f] of codecs) {
    const t = performance.now();
    let out = 0;
    for (const c of chunks) out += f(c).length;
    const s = (performance.now() - t) / 1000;
    console.log(`${name} ${(data.length / 2 ** 20).toFixed(0)}MiB ${codec.padEnd(10)} ratio ${(out / data.length).toFixed(3)} ${(data.length / 2 ** 20 / s).toFixed(0)} MiB/s`);
  }
}
