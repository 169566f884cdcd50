// Test helpers: an in-memory ObjectStore with versioning and compliance locks, and tampering hooks
// (for unit tests that must not do I/O). Not for production.
import { StoreError } from "./store/errors";
import type { DeletingObjectStore, ObjectInfo, ObjectStore, ObjectVersionInfo, PutOptions } from "./store/types";

interface Version {
  versionId: string;
  body: Uint8Array;
  lastModified: Date;
  retainUntil: Date;
}

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Version[]>();
  #seq = 0;
  puts = 0;
  bytesPut = 0;

  /** `now` is the server's clock: the one Object Lock is enforced by (MemoryDeletingObjectStore). */
  constructor(protected readonly now: () => Date = () => new Date()) {}

  put(key: string, body: Uint8Array, opts: PutOptions): Promise<{ versionId?: string }> {
    if (!(opts.retainUntil instanceof Date)) return Promise.reject(new Error("retainUntil required"));
    const versionId = `v${++this.#seq}`;
    const list = this.objects.get(key) ?? [];
    // Strictly increasing timestamps keep "newest first" well defined within one millisecond.
    list.push({ versionId, body: Uint8Array.from(body), lastModified: new Date(this.now().getTime() + this.#seq), retainUntil: opts.retainUntil });
    this.objects.set(key, list);
    this.puts++;
    this.bytesPut += body.length;
    return Promise.resolve({ versionId });
  }

  #version(key: string, versionId?: string): Version {
    const list = this.objects.get(key);
    const v = versionId === undefined ? list?.at(-1) : list?.find((x) => x.versionId === versionId);
    if (!v) throw new StoreError("not_found", `not found: ${key}`, { op: "get", bucket: "memory", key, ...(versionId === undefined ? {} : { versionId }) });
    return v;
  }

  get(key: string, range?: { offset: number; length: number }, versionId?: string): Promise<Uint8Array> {
    try {
      const v = this.#version(key, versionId);
      const body = range ? v.body.slice(range.offset, range.offset + range.length) : v.body.slice();
      return Promise.resolve(body);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  head(key: string): Promise<ObjectInfo | null> {
    const v = this.objects.get(key)?.at(-1);
    return Promise.resolve(v ? { key, size: v.body.length, lastModified: v.lastModified, versionId: v.versionId, retainUntil: v.retainUntil } : null);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(prefix)) continue;
      const v = this.objects.get(key)?.at(-1);
      if (v) yield { key, size: v.body.length, lastModified: v.lastModified };
    }
    await Promise.resolve();
  }

  async *listVersions(prefix: string): AsyncIterable<ObjectVersionInfo> {
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(prefix)) continue;
      const list = this.objects.get(key) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const v = list[i] as Version;
        yield { key, size: v.body.length, lastModified: v.lastModified, versionId: v.versionId, isLatest: i === list.length - 1, isDeleteMarker: false, retainUntil: v.retainUntil };
      }
    }
    await Promise.resolve();
  }

  extendRetention(key: string, retainUntil: Date, versionId?: string): Promise<void> {
    try {
      const v = this.#version(key, versionId);
      if (retainUntil > v.retainUntil) v.retainUntil = retainUntil;
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** The compliance retain-until of one version (the latest when versionId is omitted), like S3ObjectStore.retention. */
  retention(key: string, versionId?: string): Promise<{ retainUntil: Date | null }> {
    try {
      return Promise.resolve({ retainUntil: new Date(this.#version(key, versionId).retainUntil) });
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Removes one version, refusing while it is locked by this store's clock (S3 Object Lock COMPLIANCE). */
  protected removeVersion(key: string, versionId: string): void {
    const list = this.objects.get(key);
    const at = list?.findIndex((v) => v.versionId === versionId) ?? -1;
    const v = list?.[at];
    if (!list || !v) throw new StoreError("not_found", `deleteVersion memory/${key} (version ${versionId}): not found`, { op: "deleteVersion", bucket: "memory", key, versionId });
    if (v.retainUntil.getTime() > this.now().getTime()) {
      throw new StoreError("locked", `deleteVersion memory/${key} (version ${versionId}): refused: protected by Object Lock until ${v.retainUntil.toISOString()}`, {
        op: "deleteVersion",
        bucket: "memory",
        key,
        versionId,
        status: 403,
      });
    }
    list.splice(at, 1);
    if (list.length === 0) this.objects.delete(key);
  }

  /** Test hook: replace the stored bytes of the latest version in place (simulates bit rot). */
  tamper(key: string, mutate: (body: Uint8Array) => Uint8Array): void {
    const v = this.#version(key);
    v.body = mutate(v.body);
  }

  keys(prefix = ""): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  totalBytes(prefix = ""): number {
    let n = 0;
    for (const [k, list] of this.objects) if (k.startsWith(prefix)) for (const v of list) n += v.body.length;
    return n;
  }
}

/** The GC identity's view of a MemoryObjectStore: deletes named versions whose lock has passed by the store's clock. */
export class MemoryDeletingObjectStore extends MemoryObjectStore implements DeletingObjectStore {
  deletes = 0;

  deleteVersion(key: string, versionId: string): Promise<void> {
    try {
      this.removeVersion(key, versionId);
      this.deletes++;
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** Deterministic pseudo-random bytes (xorshift) so property tests are reproducible from a seed. */
export function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of source) {
    parts.push(p);
    n += p.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Yields `data` in pieces of `piece` bytes, like a network stream would. */
export async function* streamOf(data: Uint8Array, piece = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += piece) yield data.subarray(i, Math.min(data.length, i + piece));
  await Promise.resolve();
}

// Real-bucket helpers (S3 + Object Lock + the writer/reader/gc identities) live with the store.
export { createTestBucket, type CreateTestBucketOptions, type TestBucket } from "./store/test-bucket";
