// Gathers sealed blobs into packs of ~packTargetSize and uploads each with one PUT. Memory is
// bounded: at most `maxInFlightSeals` blobs being sealed and `maxUploads` packs being uploaded.
import { createHash, randomBytes } from "node:crypto";
import type { Codec } from "../compress";
import type { VaultKeys } from "../crypto/keys";
import type { ObjectStore } from "../store/types";
import { PackAssembler } from "./assembler";
import type { BlobEntry } from "./blob-table";
import { PACK_HEADER, packKeyFor } from "./format";
import type { Sealer } from "./seal-pool";

export interface WrittenPack {
  packId: string;
  size: number;
  entries: BlobEntry[];
}

export interface PackWriterOptions {
  targetSize: number;
  retainUntil: Date;
  codec: Codec;
  maxUploads?: number;
  maxInFlightSeals?: number;
  onPackWritten: (pack: WrittenPack) => Promise<void> | void;
}

interface OpenPack {
  asm: PackAssembler;
  seals: Promise<void>[];
  pendingRaw: number;
}

export class PackWriter {
  #pack: OpenPack | null = null;
  readonly #inFlight: Promise<void>[] = [];
  readonly #uploads = new Set<Promise<void>>();
  #error: Error | null = null;
  bytesUploaded = 0;
  packsUploaded = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: VaultKeys,
    private readonly sealer: Sealer,
    private readonly opts: PackWriterOptions,
  ) {}

  /** Adds one new (not yet stored) blob; `chunk` is handed over and must not be reused. */
  async add(id: Uint8Array, chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    const pack = (this.#pack ??= this.#newPack());
    const rawLength = chunk.length;
    const { ordinal, fill } = pack.asm.reserve(id, rawLength);
    pack.pendingRaw += rawLength + 16;
    const sealed = this.sealer
      .seal({ chunk, packKey: pack.asm.key, packSalt: pack.asm.salt, blobId: id, ordinal, codec: this.opts.codec })
      .then((s) => {
        pack.pendingRaw -= rawLength + 16;
        fill(s);
      });
    sealed.catch(() => undefined);
    pack.seals.push(sealed);
    this.#inFlight.push(sealed);
    while (this.#inFlight.length > (this.opts.maxInFlightSeals ?? 6)) await this.#inFlight.shift();
    if (PACK_HEADER + pack.asm.sealedBytes + pack.pendingRaw >= this.opts.targetSize) await this.#closePack();
  }

  /** Closes the open pack and waits until every pack is stored. */
  async flush(): Promise<void> {
    await this.#closePack();
    await Promise.allSettled([...this.#uploads]);
    this.#throwIfFailed();
  }

  #newPack(): OpenPack {
    const salt = new Uint8Array(randomBytes(32));
    // Room for the target plus one large blob, so the buffer rarely has to grow.
    return { asm: new PackAssembler(salt, this.keys.packKey(salt), this.opts.targetSize + 1024 * 1024), seals: [], pendingRaw: 0 };
  }

  async #closePack(): Promise<void> {
    const pack = this.#pack;
    this.#pack = null;
    if (!pack || pack.asm.blobCount === 0) return;
    const upload = this.#upload(pack).catch((e: unknown) => {
      this.#error ??= e instanceof Error ? e : new Error(String(e));
    });
    this.#uploads.add(upload);
    void upload.finally(() => this.#uploads.delete(upload));
    while (this.#uploads.size >= (this.opts.maxUploads ?? 2)) await Promise.race(this.#uploads);
    this.#throwIfFailed();
  }

  async #upload(pack: OpenPack): Promise<void> {
    await Promise.all(pack.seals);
    const bytes = pack.asm.finish();
    const packId = createHash("sha256").update(bytes).digest("hex");
    await this.store.put(packKeyFor(packId), bytes, { retainUntil: this.opts.retainUntil, contentType: "application/octet-stream" });
    this.bytesUploaded += bytes.length;
    this.packsUploaded += 1;
    await this.opts.onPackWritten({ packId, size: bytes.length, entries: pack.asm.entries });
  }

  #throwIfFailed(): void {
    if (this.#error !== null) throw this.#error;
  }
}
