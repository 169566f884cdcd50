// Child process for the benchmark: one vault operation through @holdfast/vault's public API,
// then a one-line JSON summary on stdout. Run by ours-run.ts under GNU time.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { initVault, LocalKms, openVault, restoreToDirectory, type Vault } from "@holdfast/vault";
import { S3ObjectStore } from "@holdfast/vault/store";
import { walkFilesSync } from "./tree";

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
const started = performance.now();
const SOURCE = "bench";
const UNIT = "corpus";
/** Files up to this size are read whole; larger ones in pieces of this size. */
const PIECE = 2 * 1024 * 1024;

async function state(): Promise<State> {
  return JSON.parse(await readFile(args.stateFile, "utf8")) as State;
}

/**
 * Every file is read into this one buffer: putItem is done with its source's bytes when it
 * resolves (and with each piece before it asks for the next), and a reused buffer costs no page
 * faults (a fresh buffer per file, as readFileSync allocates, cost 3 s of an 11 s backup).
 */
const readBuf = Buffer.allocUnsafeSlow(PIECE);

function readWhole(path: string, size: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    let n = 0;
    while (n < size) {
      const r = readSync(fd, readBuf, n, size - n, null);
      if (r === 0) break;
      n += r;
    }
    return readBuf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function* readPieces(path: string): Generator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    for (let n = readSync(fd, readBuf, 0, PIECE, null); n > 0; n = readSync(fd, readBuf, 0, PIECE, null)) yield readBuf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Backs up `root`. Like restic, a file whose size, mtime, ctime and inode match the parent
 * snapshot's (the latest of this unit) is carried over without being read; the rest is read with
 * plain synchronous calls (page-cache reads cost microseconds; the thread-pool round trips of the
 * async API cost more than the reads) and streamed into the writer.
 */
async function backup(vault: Vault, root: string): Promise<unknown> {
  const parent = (await vault.listSnapshots()).filter((s) => s.source === SOURCE && s.unit === UNIT).at(-1);
  const writer = await vault.startSnapshot({ source: SOURCE, unit: UNIT, startedAt: new Date(), retainUntil, parent: parent?.id });
  for (const f of walkFilesSync(root)) {
    // The metadata restic keeps too, so manifests and restic's trees carry comparable information.
    const meta = { mode: f.mode, mtime: iso(f.mtimeMs), ctime: iso(f.ctimeMs), ino: f.ino };
    const prev = writer.parentItem(f.rel);
    if (prev && prev.size === f.size && prev.meta.mtime === meta.mtime && prev.meta.ctime === meta.ctime && prev.meta.ino === meta.ino) {
      writer.carryOver(f.rel); // same ctime: same mode too, so the parent's metadata is kept as is
      continue;
    }
    const path = join(root, f.rel);
    await writer.putItem(f.rel, f.size <= PIECE ? readWhole(path, f.size) : readPieces(path), meta);
  }
  const snapshotId = await writer.commit();
  return { snapshotId, parent: parent?.id ?? null, ...writer.stats };
}

/** Restores the latest snapshot by pack (restoreToDirectory): each pack read once, blobs written where they go. */
async function restore(vault: Vault, target: string): Promise<unknown> {
  const latest = (await vault.listSnapshots()).at(-1);
  if (!latest) throw new Error("no snapshot to restore");
  const report = await restoreToDirectory(vault, latest.id, { target });
  const first = report.failed[0];
  if (first) throw new Error(`${report.failed.length} items not restored, e.g. ${first.path}: ${first.reason}`);
  return { snapshotId: latest.id, items: report.items, packs: report.packs, gets: report.ranges };
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
