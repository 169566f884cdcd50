import { createCipheriv, createDecipheriv } from "node:crypto";

export const TAG_LENGTH = 16;
export const NONCE_LENGTH = 12;

/** nonce(i) = 0x00000000 || uint64 BE i — the counter nonce of docs/vault-format.md §6.1. */
export function counterNonce(i: number): Uint8Array {
  const n = new Uint8Array(NONCE_LENGTH);
  new DataView(n.buffer).setBigUint64(4, BigInt(i), false);
  return n;
}

/** AES-256-GCM; returns ciphertext || tag. */
export function seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_LENGTH });
  c.setAAD(aad);
  const head = c.update(plaintext);
  const tail = c.final();
  const tag = c.getAuthTag();
  const out = new Uint8Array(head.length + tail.length + TAG_LENGTH);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(tag, head.length + tail.length);
  return out;
}

/** Inverse of seal; returns null when authentication fails (callers turn that into a named error). */
export function open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_LENGTH) return null;
  const d = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_LENGTH });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  try {
    const head = d.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
    const tail = d.final();
    if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch {
    return null;
  }
}
