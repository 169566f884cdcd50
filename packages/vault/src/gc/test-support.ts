// Helpers for GC's unit tests (not shipped: only *.test.ts files import this). A clock the test
// moves, a vault on a MemoryDeletingObjectStore that enforces locks by that clock, and store
// wrappers that crash or fail at a chosen call.
import { expect } from "vitest";
import type { Kms } from "../crypto/kms";
import { StoreError } from "../store/errors";
import type { ObjectInfo, ObjectVersionInfo, PutOptions } from "../store/types";
import { collect, MemoryDeletingObjectStore, pseudoRandomBytes, streamOf } from "../testing";
import { newKms, sameBytes, SMALL_CHUNKER, SMALL_PACK } from "../test-support/fixtures";
import { initVault, openVault, type Vault } from "../vault";
import type { GcObjectStore } from "./store";

export const DAY = 86_400_000;
export const T0 = Date.UTC(2030, 0, 1);

export class Clock {
  constructor(public t = T0) {}
  now = (): Date => new Date(this.t);
  at = (days: number): Date => new Date(T0 + days * DAY);
  set(days: number): void {
    this.t = T0 + days * DAY;
  }
}

export interface World {
  clock: Clock;
  store: MemoryDeletingObjectStore;
  kms: Kms;
  vault: Vault;
  open(store?: GcObjectStore): Promise<Vault>;
}

export async function newWorld(indexEveryPacks = 1): Promise<World> {
  const clock = new Clock();
  const store = new MemoryDeletingObjectStore(clock.now);
  const kms = newKms();
  const { vault } = await initVault(store, {
    kms,
    retention: { retainUntil: clock.at(1) },
    chunker: SMALL_CHUNKER,
    packTargetSize: SMALL_PACK,
    workers: 0,
    indexEveryPacks,
    now: clock.now,
  });
  const open = (s: GcObjectStore = store) => openVault(s, { kms, workers: 0, indexEveryPacks, now: clock.now });
  return { clock, store, kms, vault, open };
}

export type Items = Map<string, Uint8Array>;

export const data = (seed: number, size: number): Uint8Array => pseudoRandomBytes(seed, size);

export async function snapshot(vault: Vault, unit: string, items: Items, retainUntil: Date): Promise<string> {
  const w = await vault.startSnapshot({ source: "test", unit, startedAt: new Date(T0), retainUntil });
  for (const [path, body] of items) await w.putItem(path, streamOf(body, 50_000));
  return w.commit();
}

/** Opens a fresh vault (nothing cached) and compares every item byte for byte. */
export async function expectRestores(world: World, id: string, items: Items): Promise<void> {
  const v = await world.open();
  const m = await v.readSnapshot(id);
  expect(m.items.map((i) => i.path).sort()).toEqual([...items.keys()].sort());
  for (const [path, body] of items) expect(sameBytes(await collect(v.readItem(id, path)), body), `${id.slice(0, 8)} ${path}`).toBe(true);
  await v.close();
}

export const keysUnder = (store: MemoryDeletingObjectStore, prefix: string): string[] => store.keys(prefix);

/** Every key and version in the store, for "nothing changed" assertions. */
export function fingerprint(store: MemoryDeletingObjectStore): string[] {
  return [...store.objects].flatMap(([k, vs]) => vs.map((v) => `${k}@${v.versionId}`)).sort();
}

/**
 * Passes every call to `inner` through `gate(mutating, call)`: the hook point for the wrappers below.
 */
class GatedStore implements GcObjectStore {
  constructor(
    protected readonly inner: GcObjectStore,
    private readonly gateFn: <T>(mutating: boolean, call: () => Promise<T>, op: string, key: string) => Promise<T>,
  ) {}
  put(key: string, body: Uint8Array, opts: PutOptions) {
    return this.gateFn(true, () => this.inner.put(key, body, opts), "put", key);
  }
  get(key: string, range?: { offset: number; length: number }, versionId?: string) {
    return this.gateFn(false, () => this.inner.get(key, range, versionId), "get", key);
  }
  head(key: string): Promise<ObjectInfo | null> {
    return this.gateFn(false, () => this.inner.head(key), "head", key);
  }
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const all: ObjectInfo[] = [];
    await this.gateFn(false, async () => {
      for await (const o of this.inner.list(prefix)) all.push(o);
    }, "list", prefix);
    yield* all;
  }
  async *listVersions(prefix: string): AsyncIterable<ObjectVersionInfo> {
    const all: ObjectVersionInfo[] = [];
    await this.gateFn(false, async () => {
      for await (const o of this.inner.listVersions(prefix)) all.push(o);
    }, "listVersions", prefix);
    yield* all;
  }
  extendRetention(key: string, retainUntil: Date, versionId?: string) {
    return this.gateFn(true, () => this.inner.extendRetention(key, retainUntil, versionId), "extendRetention", key);
  }
  retention(key: string, versionId?: string) {
    return this.gateFn(false, () => this.inner.retention(key, versionId), "retention", key);
  }
  deleteVersion(key: string, versionId: string) {
    return this.gateFn(true, () => this.inner.deleteVersion(key, versionId), "deleteVersion", key);
  }
}

/**
 * Delegates until `limit` mutating calls (put, deleteVersion, extendRetention) have been made; from
 * then on no call ever settles, as if the process had died there.
 */
export function crashingStore(inner: GcObjectStore, limit: number): GcObjectStore & { readonly crashed: boolean; readonly mutations: number } {
  const state = { mutations: 0, crashed: false };
  const store = new GatedStore(inner, <T>(mutating: boolean, call: () => Promise<T>) => {
    if (!state.crashed && mutating && state.mutations >= limit) state.crashed = true;
    if (state.crashed) return new Promise<T>(() => undefined);
    if (mutating) state.mutations++;
    return call();
  });
  return Object.defineProperties(store, { crashed: { get: () => state.crashed }, mutations: { get: () => state.mutations } }) as GatedStore & {
    readonly crashed: boolean;
    readonly mutations: number;
  };
}

/** Deletes fail (a lost connection) after `okDeletes` successful ones; everything else works. */
export function failingDeletes(inner: GcObjectStore, okDeletes: number): GcObjectStore {
  let n = 0;
  return new GatedStore(inner, <T>(_m: boolean, call: () => Promise<T>, op: string, key: string) => {
    if (op !== "deleteVersion" || n++ < okDeletes) return call();
    return Promise.reject(new StoreError("unavailable", `deleteVersion memory/${key}: object store unavailable (ECONNRESET)`, { op, bucket: "memory", key }));
  });
}

/** Runs `before` once, just before the first delete of a key matching `match`; every such delete waits for it. */
export function beforeFirstDelete(inner: GcObjectStore, match: RegExp, before: () => Promise<void>): GcObjectStore {
  let gate: Promise<void> | null = null;
  return new GatedStore(inner, async <T>(_m: boolean, call: () => Promise<T>, op: string, key: string) => {
    if (op === "deleteVersion" && match.test(key)) await (gate ??= before());
    return call();
  });
}

/** Resolves once `done()` is true (polled between macrotasks). */
export async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}
