// Seals a snapshot manifest (docs/vault-format.md §5, §8) without materialising its JSON: the
// pieces go through one streaming zstd frame, so the commit of a 50k-item snapshot costs the
// compressed size (~3 MB) in memory instead of ~40 MB (string, encoding, compression buffer).
// The object is exactly what sealObject(keys, "snapshot", encodeManifest(m)) would write.
import { randomBytes } from "node:crypto";
import { Codec, zstdCompressPieces } from "../compress";
import { seal } from "../crypto/aead";
import type { VaultKeys } from "../crypto/keys";
import { sealObject } from "../sealed";
import { encodeManifest, manifestJsonPieces, type SnapshotManifest } from "./manifest";

const HEADER = 40;
const ZERO_NONCE = new Uint8Array(12);

export function sealManifest(keys: VaultKeys, m: SnapshotManifest): Uint8Array {
  const enc = new TextEncoder();
  let raw = 0;
  // Each piece is encoded into one reused buffer: the compressor has taken it in before the next.
  let scratch = new Uint8Array(256 * 1024);
  const compressed = zstdCompressPieces(
    (function* () {
      for (const piece of manifestJsonPieces(m)) {
        if (piece.length * 3 > scratch.length) scratch = new Uint8Array(piece.length * 3);
        const { written } = enc.encodeInto(piece, scratch);
        raw += written;
        yield scratch.subarray(0, written);
      }
    })(),
  );
  const size = compressed?.reduce((n, c) => n + c.length, 0) ?? 0;
  // No native zstd, or (never for real manifests) compression that does not pay: the general path.
  if (!compressed || size > raw * 0.97) return sealObject(keys, "snapshot", encodeManifest(m));
  const body = new Uint8Array(1 + size);
  body[0] = Codec.zstd;
  let at = 1;
  for (const c of compressed) {
    body.set(c, at);
    at += c.length;
  }
  const header = new Uint8Array(HEADER);
  header.set([0x48, 0x46, 0x53, 0x4e, 1], 0); // "HFSN", version 1, zero
  const salt = randomBytes(32);
  header.set(salt, 8);
  const ct = seal(keys.objectKey("snapshot", salt), ZERO_NONCE, header, body);
  const out = new Uint8Array(HEADER + ct.length);
  out.set(header, 0);
  out.set(ct, HEADER);
  return out;
}
