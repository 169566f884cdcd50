import { hkdfSync } from "node:crypto";

const enc = new TextEncoder();

/** HKDF-SHA256 (RFC 5869). `info` strings are the labels of docs/vault-format.md §3.1. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, enc.encode(info), length));
}

export const Labels = {
  chunkId: "holdfast/v1/chunk-id",
  gear: "holdfast/v1/gear",
  pack: "holdfast/v1/pack",
  index: "holdfast/v1/index",
  snapshot: "holdfast/v1/snapshot",
  recoveryKek: "holdfast/v1/recovery-kek",
  masterKeyAad: "holdfast/v1/master-key",
  erasure: "holdfast/v1/erasure",
  erasureMac: "holdfast/v1/erasure-mac",
} as const;
