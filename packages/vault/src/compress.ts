// Per-blob compression (docs/vault-format.md §6.3): zstd level 3 through the native zstd-napi
// binding when it loads, brotli quality 1 otherwise; stored raw when it does not pay.
import { createRequire } from "node:module";
import { VaultError } from "./errors";
import { brotliCompressSync, brotliDecompressSync, constants as zc } from "node:zlib";

export const Codec = { none: 0, zstd: 1, brotli: 2 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

interface ZstdBinding {
  compress(data: Uint8Array, params?: { compressionLevel?: number }): Buffer;
  decompress(data: Uint8Array): Buffer;
}

const require = createRequire(import.meta.url);

function loadZstd(): { zstd: ZstdBinding; bindingPath: string } | null {
  try {
    return { zstd: require("zstd-napi") as ZstdBinding, bindingPath: require.resolve("zstd-napi/binding") };
  } catch {
    return null;
  }
}

const loaded = loadZstd();
/**
 * Module path of zstd-napi's documented low-level binding (for the seal core, in worker threads
 * too), or null when zstd is not available. Its `CCtx.compress2` compresses into a buffer the
 * caller owns, so the core reuses one instead of allocating per blob.
 */
export const zstdBindingPath: string | null = loaded?.bindingPath ?? null;

const SAMPLE = 64 * 1024;

export interface CompressOptions {
  /** Force a codec (tests, benchmarks); default: zstd when available, else brotli. */
  codec?: Codec;
}

function compressWith(codec: Codec, data: Uint8Array): Uint8Array {
  if (codec === Codec.zstd) {
    if (!loaded) throw new Error("zstd is not available in this process");
    return loaded.zstd.compress(data, { compressionLevel: 3 });
  }
  if (codec === Codec.brotli) {
    return brotliCompressSync(data, {
      params: { [zc.BROTLI_PARAM_QUALITY]: 1, [zc.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
  }
  return data;
}

export function defaultCodec(): Codec {
  return loaded ? Codec.zstd : Codec.brotli;
}

/** Compress when it pays: a 64 KiB sample first (cheap rejection of incompressible data). */
export function maybeCompress(data: Uint8Array, opts: CompressOptions = {}): { codec: Codec; data: Uint8Array } {
  let codec = opts.codec ?? defaultCodec();
  if (codec === Codec.zstd && !loaded) codec = Codec.brotli;
  if (codec === Codec.none || data.length < 64) return { codec: Codec.none, data };
  if (data.length > 4 * SAMPLE) {
    const sample = compressWith(codec, data.subarray(0, SAMPLE));
    if (sample.length > SAMPLE * 0.95) return { codec: Codec.none, data };
  }
  const out = compressWith(codec, data);
  if (out.length > data.length * 0.97) return { codec: Codec.none, data };
  return { codec, data: out };
}

interface ZstdStreamBinding {
  CCtx: new () => {
    setParameter(param: number, value: number): void;
    compressStream2(dst: Uint8Array, src: Uint8Array, endOp: number): [number, number, number];
  };
  CParameter: { compressionLevel: number };
  EndDirective: { continue: number; end: number };
}

/**
 * One zstd frame (level 3) from pieces fed in order, without holding the whole input: for large
 * payloads built piece by piece (snapshot manifests). Returns the compressed pieces, or null when
 * the native binding is not available (callers fall back to `maybeCompress` on the whole).
 */
export function zstdCompressPieces(pieces: Iterable<Uint8Array>): Uint8Array[] | null {
  if (!zstdBindingPath) return null;
  const z = require(zstdBindingPath) as ZstdStreamBinding;
  const cctx = new z.CCtx();
  cctx.setParameter(z.CParameter.compressionLevel, 3);
  const out: Uint8Array[] = [];
  let dst = new Uint8Array(256 * 1024);
  let used = 0;
  const run = (src: Uint8Array, endOp: number) => {
    let offset = 0;
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(dst.subarray(used), src.subarray(offset), endOp);
      used += produced;
      offset += consumed;
      if (used === dst.length) {
        out.push(dst);
        dst = new Uint8Array(dst.length);
        used = 0;
      }
      if (endOp === z.EndDirective.end ? remaining === 0 : offset === src.length) return;
    }
  };
  for (const piece of pieces) run(piece, z.EndDirective.continue);
  run(new Uint8Array(0), z.EndDirective.end);
  if (used > 0) out.push(dst.subarray(0, used));
  return out;
}

/** `rawLength` bounds the output where the codec allows it (omit for sealed objects). */
export function decompress(codec: number, data: Uint8Array, rawLength?: number): Uint8Array {
  switch (codec) {
    case Codec.none:
      return data;
    case Codec.zstd:
      if (!loaded) throw new VaultError("this vault holds zstd-compressed data but the native zstd-napi binding is not installed (install it with its native build enabled)");
      return loaded.zstd.decompress(data);
    case Codec.brotli:
      return brotliDecompressSync(data, rawLength === undefined ? {} : { maxOutputLength: Math.max(rawLength, 1) });
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
