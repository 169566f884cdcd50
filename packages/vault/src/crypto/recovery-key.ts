// The customer's recovery key: 256 random bits + a 24-bit checksum, as 56 Crockford base32
// symbols in groups of 4 (docs/vault-format.md §3.3). The checksum tells a typo from a wrong key.
import { createHash, randomBytes } from "node:crypto";
import { VaultKeyError } from "../errors";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const KEY_BYTES = 32;
const CHECK_BYTES = 3;
const SYMBOLS = ((KEY_BYTES + CHECK_BYTES) * 8) / 5; // 56

function checksum(key: Uint8Array): Uint8Array {
  return createHash("sha256").update("holdfast/v1/recovery-key").update(key).digest().subarray(0, CHECK_BYTES);
}

export function generateRecoveryKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

export function formatRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_BYTES) throw new Error("recovery key must be 32 bytes");
  const bytes = new Uint8Array(KEY_BYTES + CHECK_BYTES);
  bytes.set(key, 0);
  bytes.set(checksum(key), KEY_BYTES);
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)?.join("-") ?? out;
}

export function parseRecoveryKey(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (clean.length !== SYMBOLS) {
    throw new VaultKeyError(`recovery key mistyped: expected ${SYMBOLS} characters, got ${clean.length}`);
  }
  const bytes = new Uint8Array(KEY_BYTES + CHECK_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new VaultKeyError(`recovery key mistyped: '${ch}' is not a recovery-key character`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  const key = bytes.subarray(0, KEY_BYTES);
  const expected = checksum(key);
  if (!expected.every((b, i) => b === bytes[KEY_BYTES + i])) {
    throw new VaultKeyError("recovery key mistyped: checksum does not match (check each group)");
  }
  return Uint8Array.from(key);
}
