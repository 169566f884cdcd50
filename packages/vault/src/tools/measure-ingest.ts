// Ingest throughput of the engine alone (no network): real files from a directory plus random
// data, into a store that keeps only sizes. Usage:
//   npx tsx src/tools/measure-ingest.ts <dir> <MiB of files> <MiB random> <workers> [codec]
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Codec } from "../compress";
import { LocalKms } from "../crypto/kms";
import type { ObjectInfo, ObjectStore, ObjectVersionInfo, PutOptions } from "../store/types";
import { initVault } from "../vault";

class SizeOnlyStore implements ObjectStore {
  bytes = 0;
  readonly small = new Map<string, Uint8Array>();
  put(key: string, body: Uint8Array, _o: PutOptions) {
    this.bytes += body.length;
    if (!key.startsWith("data/")) this.small.set(key, body.slice());
    return Promise.resolve({});
  }
  get(key: string) {
    const b = this.small.get(key);
    return b ? Promise.resolve(b) : Promise.reject(new Error(`no ${key}`));
  }
  head(key: string): Promise<ObjectInfo | null> {
    return Promise.resolve(this.small.has(key) ? { key, size: 0, retainUntil: new Date(8.64e15) } : null);
  }
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const key of this.small.keys()) if (key.startsWith(prefix)) yield { key, size: 0 };
    await Promise.resolve();
  }
  async *listVersions(_prefix: string): AsyncIterable<ObjectVersionInfo> {
    yield* [] as ObjectVersionInfo[];
    await Promise.resolve();
  }
  extendRetention() {
    return Promise.resolve();
  }
}

function files(dir: string, limit: number): string[] {
  const out: string[] = [];
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (total >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        out.push(p);
        total += statSync(p).size;
      }
    }
  };
  walk(dir);
  return out;
}

const [dir = ".", filesMiB = "100", randomMiB = "100", workers = "2", codecArg] = process.argv.slice(2);
const codec = codecArg === "none" ? Codec.none : codecArg === "brotli" ? Codec.brotli : codecArg === "zstd" ? Codec.zstd : undefined;
const paths = files(dir, Number(filesMiB) * 2 ** 20);
const contents = paths.map((p) => readFileSync(p));
const random = Array.from({ length: Number(randomMiB) }, () => randomBytes(2 ** 20));
const inBytes = contents.reduce((n, c) => n + c.length, 0) + random.length * 2 ** 20;

const store = new SizeOnlyStore();
const { vault } = await initVault(store, { kms: new LocalKms(randomBytes(32)), retention: { days: 1 }, workers: Number(workers), ...(codec === undefined ? {} : { codec }) });
const t = performance.now();
const w = await vault.startSnapshot({ source: "bench", unit: "u", startedAt: new Date(), retainUntil: new Date(Date.now() + 86_400_000) });
for (const [i, c] of contents.entries()) await w.putItem(`f/${i}`, [c]);
await w.putItem("random.bin", random);
await w.commit();
const secs = (performance.now() - t) / 1000;
await vault.close();
console.log(
  `workers=${workers} codec=${codecArg ?? "default"} files=${contents.length} in=${(inBytes / 2 ** 20).toFixed(0)}MiB stored=${(store.bytes / 2 ** 20).toFixed(0)}MiB ` +
    `time=${secs.toFixed(2)}s throughput=${(inBytes / 2 ** 20 / secs).toFixed(0)}MiB/s`,
);
