// Child process for the benchmark: one vault operation through @holdfast/vault's public API,
// then a one-line JSON summary on stdout. Run by ours-run.ts under GNU time.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { initVault, LocalKms, openVault, type ItemSource, type Vault } from "@holdfast/vault";
import { S3ObjectStore } from "@holdfast/vault/store";
import { walkFiles } from "./tree";

interface Args {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  stateFile: string;
  dir?: string;
}

interface State {
  kek: string;
  recoveryKey: string;
}

const [op, json] = process.argv.slice(2);
const args = JSON.parse(json ?? "{}") as Args;
const store = new S3ObjectStore({
  endpoint: args.endpoint,
  region: args.region,
  bucket: args.bucket,
  forcePathStyle: true,
  credentials: { accessKeyId: args.accessKeyId, secretAccessKey: args.secretAccessKey },
});
// Long enough for the run, short enough that the locked bench buckets can be cleaned up tomorrow.
const retainUntil = new Date(Date.now() + 24 * 3600_000);
const SMALL = 4 * 1024 * 1024;
const started = performance.now();

async function state(): Promise<State> {
  return JSON.parse(await readFile(args.stateFile, "utf8")) as State;
}

const once = (b: Uint8Array): ItemSource => Readable.from([b], { objectMode: false });

/** Reads small files ahead (they are most of the files) while the writer chunks the current one. */
async function backup(vault: Vault, root: string): Promise<unknown> {
  const writer = await vault.startSnapshot({ source: "bench", unit: "corpus", startedAt: new Date(), retainUntil });
  const window: { rel: string; size: number; source: Promise<ItemSource>; meta: { mode: number; mtime: string } }[] = [];
  let buffered = 0;
  const put = async () => {
    const next = window.shift();
    if (!next) return;
    if (next.size <= SMALL) buffered -= next.size;
    await writer.putItem(next.rel, await next.source, next.meta);
  };
  for await (const f of walkFiles(root)) {
    const path = join(root, f.rel);
    const source: Promise<ItemSource> =
      f.size <= SMALL ? readFile(path).then(once) : Promise.resolve(createReadStream(path, { highWaterMark: 1024 * 1024 }));
    // The metadata restic keeps too, so manifests and restic's trees carry comparable information.
    window.push({ rel: f.rel, size: f.size, source, meta: { mode: f.mode, mtime: new Date(f.mtimeMs).toISOString() } });
    if (f.size <= SMALL) buffered += f.size;
    // At most 16 files or 16 MiB read ahead: enough to hide file latency, not enough to matter for RSS.
    while (window.length >= 16 || buffered > 16 * 1024 * 1024) await put();
  }
  while (window.length) await put();
  const snapshotId = await writer.commit();
  return { snapshotId, ...writer.stats };
}

/**
 * Up to 8 items in flight (small items are bound by request latency), but only 2 large ones:
 * each readItem reads 4 blobs (≤ 8 MiB each) ahead, so large items in flight cost memory.
 */
async function pool<T extends { size: number }>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let large = 0;
  const waiting: (() => void)[] = [];
  const run = async (item: T) => {
    const isLarge = item.size > 1024 * 1024;
    while (isLarge && large >= 2) await new Promise<void>((r) => waiting.push(r));
    if (isLarge) large++;
    try {
      await fn(item);
    } finally {
      if (isLarge) {
        large--;
        waiting.shift()?.();
      }
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

async function restore(vault: Vault, target: string): Promise<unknown> {
  const snaps = await vault.listSnapshots();
  const latest = snaps.at(-1);
  if (!latest) throw new Error("no snapshot to restore");
  const manifest = await vault.readSnapshot(latest.id);
  const write = async (item: { path: string }) => {
    const to = join(target, ...item.path.split("/"));
    await mkdir(dirname(to), { recursive: true });
    await pipeline(Readable.from(vault.readItem(latest.id, item.path)), createWriteStream(to));
  };
  const [first, ...rest] = manifest.items;
  if (first) await write(first); // loads the indexes once before the parallel reads
  await pool(rest, write);
  return { snapshotId: latest.id, items: manifest.items.length };
}

let result: unknown;
let vault: Vault | undefined;
try {
  if (op === "init") {
    const kek = randomBytes(32);
    const res = await initVault(store, { kms: new LocalKms(kek), retention: { retainUntil } });
    vault = res.vault;
    await writeFile(args.stateFile, JSON.stringify({ kek: kek.toString("hex"), recoveryKey: res.recoveryKey } satisfies State));
    result = { vaultId: res.vault.vaultId };
  } else if (op === "backup" && args.dir) {
    vault = await openVault(store, { kms: new LocalKms(Buffer.from((await state()).kek, "hex")) });
    result = await backup(vault, args.dir);
  } else if (op === "restore" && args.dir) {
    // The restore side opens with the recovery key, as holdfast-restore does.
    vault = await openVault(store, { recoveryKey: (await state()).recoveryKey });
    result = await restore(vault, args.dir);
  } else {
    throw new Error(`usage: ours.ts init|backup|restore '<json args>' (got ${op})`);
  }
} finally {
  await vault?.close();
}
process.stdout.write(`${JSON.stringify({ op, seconds: (performance.now() - started) / 1000, ...(result as object) })}\n`);
