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

function loadZstd(): { zstd: ZstdBinding; path: string } | null {
  try {
    const path = require.resolve("zstd-napi");
    return { zstd: require(path) as ZstdBinding, path };
  } catch {
    return null;
  }
}

const loaded = loadZstd();
/** Module path of the zstd binding (for worker threads), or null when it is not available. */
export const zstdModulePath: string | null = loaded?.path ?? null;

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
