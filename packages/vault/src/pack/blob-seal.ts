// Compress + encrypt one blob for a pack (docs/vault-format.md §6.2). The same steps run in the
// worker pool (seal-worker-source.ts); this is the in-thread path and the reference.
import { maybeCompress, type Codec } from "../compress";
import { counterNonce, seal } from "../crypto/aead";

export interface SealBlobInput {
  chunk: Uint8Array;
  packKey: Uint8Array;
  packSalt: Uint8Array;
  blobId: Uint8Array;
  ordinal: number;
  codec: Codec;
}

export interface SealedBlob {
  codec: number;
  sealed: Uint8Array;
}

export function blobAad(packSalt: Uint8Array, blobId: Uint8Array, codec: number, rawLength: number): Uint8Array {
  const aad = new Uint8Array(4 + 32 + 32 + 1 + 4);
  aad.set([0x48, 0x46, 0x42, 0x31], 0); // "HFB1"
  aad.set(packSalt, 4);
  aad.set(blobId, 36);
  aad[68] = codec;
  new DataView(aad.buffer).setUint32(69, rawLength, true);
  return aad;
}

export function sealBlob(input: SealBlobInput): SealedBlob {
  const c = maybeCompress(input.chunk, { codec: input.codec });
  const aad = blobAad(input.packSalt, input.blobId, c.codec, input.chunk.length);
  return { codec: c.codec, sealed: seal(input.packKey, counterNonce(input.ordinal), aad, c.data) };
}
