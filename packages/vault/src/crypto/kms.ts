import { createHash, randomBytes } from "node:crypto";
import { NONCE_LENGTH, open, seal } from "./aead";

/** Key-encryption service that wraps the vault master key. AWS KMS / GCP KMS / Vault fit behind it. */
export interface Kms {
  /** Stable identifier of the wrapping key, recorded in the vault config. */
  readonly keyId: string;
  wrap(plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Rejects (or resolves null) when the key or the AAD does not match. */
  unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null>;
}

const LOCAL_VERSION = 1;

/** A KEK held in configuration: 0x01 || nonce(12) || AES-256-GCM(kek, nonce, aad)(plaintext). */
export class LocalKms implements Kms {
  readonly keyId: string;
  readonly #kek: Uint8Array;

  constructor(kek: Uint8Array) {
    if (kek.length !== 32) throw new Error(`LocalKms needs a 32-byte key, got ${kek.length} bytes`);
    this.#kek = Uint8Array.from(kek);
    this.keyId = `local:${createHash("sha256").update(kek).digest("hex").slice(0, 16)}`;
  }

  wrap(plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    const nonce = randomBytes(NONCE_LENGTH);
    const ct = seal(this.#kek, nonce, aad, plaintext);
    const out = new Uint8Array(1 + NONCE_LENGTH + ct.length);
    out[0] = LOCAL_VERSION;
    out.set(nonce, 1);
    out.set(ct, 1 + NONCE_LENGTH);
    return Promise.resolve(out);
  }

  unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null> {
    if (wrapped[0] !== LOCAL_VERSION || wrapped.length < 1 + NONCE_LENGTH + 16) return Promise.resolve(null);
    return Promise.resolve(open(this.#kek, wrapped.subarray(1, 1 + NONCE_LENGTH), aad, wrapped.subarray(1 + NONCE_LENGTH)));
  }
}
