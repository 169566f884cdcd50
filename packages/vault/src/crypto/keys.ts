// The master key and everything derived from it (docs/vault-format.md §3).
import { createHmac, randomBytes } from "node:crypto";
import { Labels, hkdf } from "./hkdf";
import { NONCE_LENGTH, open, seal } from "./aead";

const enc = new TextEncoder();

export function masterKeyAad(vaultId: Uint8Array): Uint8Array {
  const label = enc.encode(Labels.masterKeyAad);
  const out = new Uint8Array(label.length + vaultId.length);
  out.set(label, 0);
  out.set(vaultId, label.length);
  return out;
}

export function wrapWithRecoveryKey(master: Uint8Array, recoveryKey: Uint8Array, vaultId: Uint8Array): Uint8Array {
  const kek = hkdf(recoveryKey, vaultId, Labels.recoveryKek);
  const nonce = randomBytes(NONCE_LENGTH);
  const ct = seal(kek, nonce, masterKeyAad(vaultId), master);
  const out = new Uint8Array(NONCE_LENGTH + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_LENGTH);
  return out;
}

export function unwrapWithRecoveryKey(wrapped: Uint8Array, recoveryKey: Uint8Array, vaultId: Uint8Array): Uint8Array | null {
  const kek = hkdf(recoveryKey, vaultId, Labels.recoveryKek);
  return open(kek, wrapped.subarray(0, NONCE_LENGTH), masterKeyAad(vaultId), wrapped.subarray(NONCE_LENGTH));
}

/** Keys a vault session holds once the master key is unwrapped. */
export class VaultKeys {
  readonly chunkIdKey: Uint8Array;
  readonly gear: Uint32Array;

  constructor(
    readonly master: Uint8Array,
    readonly vaultId: Uint8Array,
  ) {
    this.chunkIdKey = hkdf(master, vaultId, Labels.chunkId);
    const g = hkdf(master, vaultId, Labels.gear, 1024);
    const view = new DataView(g.buffer, g.byteOffset, g.byteLength);
    this.gear = new Uint32Array(256);
    for (let i = 0; i < 256; i++) this.gear[i] = view.getUint32(i * 4, true);
  }

  blobId(chunk: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac("sha256", this.chunkIdKey).update(chunk).digest());
  }

  packKey(packSalt: Uint8Array): Uint8Array {
    return hkdf(this.master, packSalt, Labels.pack);
  }

  objectKey(kind: "index" | "snapshot", salt: Uint8Array): Uint8Array {
    return hkdf(this.master, salt, kind === "index" ? Labels.index : Labels.snapshot);
  }
}
