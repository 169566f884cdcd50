// Shared helpers for this package's tests (unit and integration).
import { randomBytes } from "node:crypto";
import { LocalKms } from "../crypto/kms";
import type { ChunkerParams } from "../chunker/fastcdc";
import { pseudoRandomBytes } from "../testing";

/** Small chunks and packs keep test data modest while exercising multi-chunk, multi-pack paths. */
export const SMALL_CHUNKER: ChunkerParams = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };
export const SMALL_PACK = 512 * 1024;

export const newKms = () => new LocalKms(randomBytes(32));

export const DAY = 86_400_000;
export const inDays = (days: number, from = Date.now()) => new Date(from + days * DAY);

/** Text that compresses like real text (words from a small vocabulary). */
export function pseudoText(seed: number, length: number): Uint8Array {
  const words = ["vault", "backup", "snapshot", "holdfast", "restore", "tenant", "lorem", "ipsum", "the", "of", "and", "mail", "\n"];
  const rnd = pseudoRandomBytes(seed, Math.ceil(length / 3) + 16);
  let s = "";
  for (let i = 0; s.length < length; i++) s += `${words[(rnd[i % rnd.length] ?? 0) % words.length]} `;
  return Buffer.from(s.slice(0, length));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
