// Restore by pack (docs/vault-format.md §11, reader guidance): instead of one ranged GET per blob,
// plan which blobs every pack must yield and where each goes, read each pack once in a few
// coalesced ranges (8 MiB GETs by default: 3–4 per full pack), verify every blob exactly as
// PackReader.readBlob does, and write it to every (file, offset) that needs it. Blobs that fail on
// the pack's current version are retried on its older versions, newest first, as readBlob does:
// an overwrite cannot hide locked content.
import { mkdir, readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { VaultError, VaultFormatError, VaultIntegrityError } from "../errors";
import { packKeyFor } from "../pack/format";
import { PackReader, type RangeBlob } from "../pack/reader";
import { snapshotKeyFor } from "../snapshot/manifest";
import { isStoreError } from "../store/errors";
import type { Vault } from "../vault";
import { PARTIAL_SUFFIX, WriterPool, type FailureKind, type FileFailure, type RestoreFile } from "./writer";
import { itemDestination, selectItems, UnsafeItemPathError } from "./paths";
import { coalesce, planPacks, type BlobNeed, type PlannedRange, type RangeOptions } from "./plan";

const MiB = 1024 * 1024;

export interface RestoreOptions {
  /** Directory to restore into; created if missing. Items land at `<target>/<item path>`. */
  target: string;
  /** Only this folder (or item) of the snapshot: "docs" selects "docs" and "docs/…". */
  prefix?: string;
  /** Only these exact item paths (each must exist). Combined with `prefix`, both must hold. */
  items?: readonly string[];
  /**
   * Item paths to leave out (e.g. erased items, docs/vault-format.md §15): not restored, not
   * counted in `items`, and not an error. Applied after `prefix`/`items`.
   */
  exclude?: ReadonlySet<string>;
  /** Replace files that already exist in the target (default false: such items fail, untouched). */
  overwrite?: boolean;
  /** Pack ranges fetched and verified at once (default 2: one downloads while one is decoded); each holds up to `maxRangeBytes`. */
  concurrency?: number;
  /**
   * Largest single GET (default 8 MiB: a 24–32 MiB pack in 3–4 GETs). Each range in flight costs
   * about twice its size (the S3 client collects a body in pieces, then copies it into one buffer).
   */
  maxRangeBytes?: number;
  /** Unneeded bytes worth reading to save a GET between two needed blobs (default 1 MiB). */
  maxGapBytes?: number;
  /** Verified bytes handed to the writers and not yet on disk (default 8 MiB). */
  maxPendingWriteBytes?: number;
  /**
   * Writer threads doing the file-system calls (default: 1 on up to 2 cores, else 2); 0 writes on
   * the calling thread. Decrypting and verifying stay on the calling thread, with the GETs.
   */
  writers?: number;
  /** Partly written files a writer keeps open (default 64); others are closed and reopened. */
  maxOpenFiles?: number;
  onProgress?: (p: RestoreProgress) => void;
}

export interface RestoreProgress {
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
  bytesTotal: number;
  /** Bytes of restored content written so far (a deduplicated blob counts at each place it goes). */
  bytesWritten: number;
}

export interface RestoreFailure {
  /** The item's path in the snapshot. */
  path: string;
  /** damaged: a vault object failed its checks; unreadable: the store refused or is unreachable; exists: the target file exists; io: local disk. */
  kind: FailureKind;
  /** The object (`data/…`, `snapshots/…`) or local file at fault. */
  object: string;
  reason: string;
}

export interface RestoreReport {
  snapshotId: string;
  /** Absolute target directory. */
  target: string;
  /** Items selected. */
  items: number;
  /** Bytes of the items restored. */
  bytes: number;
  /** Items restored: renamed into place with exactly the manifest's size, every blob verified. */
  filesWritten: number;
  /** Items not restored, in path order; nothing is left under their names (partials are deleted). */
  failed: RestoreFailure[];
  /** Packs read from, and GETs of blob data issued (older-version retries included). */
  packs: number;
  ranges: number;
}

type Need = BlobNeed<RestoreFile>;

/** Restores a snapshot (or a folder or some items of it) into a local directory. See the module comment. */
export async function restoreToDirectory(vault: Vault, snapshotId: string, opts: RestoreOptions): Promise<RestoreReport> {
  const snapshotKey = snapshotKeyFor(snapshotId);
  const manifest = await vault.readSnapshot(snapshotId);
  const selected = selectItems(snapshotKey, manifest.items, { prefix: opts.prefix, paths: opts.items });
  const exclude = opts.exclude;
  const items = exclude && exclude.size > 0 ? selected.filter((i) => !exclude.has(i.path)) : selected;
  const root = resolve(opts.target);

  // Every destination is checked before anything is written: a manifest with an escaping path
  // is refused whole, with the items named.
  const unsafe: UnsafeItemPathError[] = [];
  const dests = new Map<string, string>();
  for (const item of items) {
    try {
      dests.set(item.path, itemDestination(root, item.path));
    } catch (e) {
      if (!(e instanceof UnsafeItemPathError)) throw e;
      unsafe.push(e);
    }
  }
  if (unsafe[0]) {
    if (unsafe.length === 1) throw unsafe[0];
    throw new UnsafeItemPathError(unsafe[0].itemPath, `${unsafe[0].reason}; ${unsafe.length - 1} more item(s) refused too: ${unsafe.slice(1, 4).map((u) => JSON.stringify(u.itemPath)).join(", ")}`);
  }

  await vault.index.refresh(vault.store, vault.keys, manifest.indexes);
  const checkExisting = !(await isEmptyOrMissing(root));
  await mkdir(root, { recursive: true });

  const taken = new Set(dests.values());
  const files: RestoreFile[] = items.map((item, id) => {
    const dest = dests.get(item.path) as string;
    let temp = dest + PARTIAL_SUFFIX;
    while (taken.has(temp)) temp += "~"; // an item really named "<x>.holdfast-partial"
    taken.add(temp);
    return { id, item, dest, temp, writes: 0, remaining: 0 };
  });
  // Locate each blob in the manifest's own packs: the copy its writer chose and locked (format §11).
  const own = new Set(manifest.packs);
  const plan = planPacks(files, { get: (hex) => vault.index.get(hex, own) });
  for (const { file, reason } of plan.unplannable) file.failure = { kind: "damaged", object: snapshotKey, reason: `${snapshotKey}: item ${file.item.path}: ${reason}` };
  for (const [file, n] of plan.writes) file.writes = file.remaining = n;

  const progress: RestoreProgress = { itemsTotal: files.length, itemsDone: 0, itemsFailed: 0, bytesTotal: items.reduce((n, i) => n + i.size, 0), bytesWritten: 0 };
  const report = () => {
    try {
      opts.onProgress?.({ ...progress });
    } catch {
      // A failing progress display must not abort a restore (it runs inside writer callbacks).
    }
  };
  const sink = new WriterPool({
    root,
    overwrite: opts.overwrite ?? false,
    checkExisting,
    maxOpenFiles: opts.maxOpenFiles ?? 64,
    writers: opts.writers ?? (availableParallelism() <= 2 ? 1 : 2),
    maxPendingBytes: opts.maxPendingWriteBytes ?? 8 * MiB,
    onFinished: (f) => {
      if (f.outcome) progress.itemsFailed++;
      else progress.itemsDone++;
      report();
    },
    onWritten: (n) => {
      progress.bytesWritten += n;
    },
  });
  for (const f of files) sink.add(f);

  const reader = new PackReader(vault.store, vault.keys);
  const rangeOpts: RangeOptions = { maxGap: opts.maxGapBytes ?? MiB, maxRange: opts.maxRangeBytes ?? 8 * MiB };
  let ranges = 0;

  const deliver = async (need: Need, chunk: Uint8Array) => {
    const sole = need.dests.length === 1;
    for (const d of need.dests) await sink.write(d.file, chunk, d.offset, sole);
  };

  /**
   * One GET of one pack version; returns the needs it could not satisfy, noting each one's first
   * error. Only reading is caught here: a writer failure is not a damaged pack, and propagates.
   */
  const attempt = async (packId: string, r: PlannedRange<Need>, versionId: string | undefined, errors: Map<Need, unknown>): Promise<Need[]> => {
    const left = new Set(r.needs);
    ranges++;
    const blobs = reader.readRange(packId, { offset: r.offset, length: r.length, entries: r.needs.map((n) => n.entry) }, versionId);
    try {
      for (;;) {
        let next: IteratorResult<RangeBlob>;
        try {
          next = await blobs.next();
        } catch (e) {
          for (const n of left) if (!errors.has(n)) errors.set(n, e);
          break;
        }
        if (next.done) break;
        const b = next.value;
        const need = r.needs[b.index] as Need;
        if ("error" in b) {
          if (!errors.has(need)) errors.set(need, b.error);
          continue;
        }
        left.delete(need);
        await deliver(need, b.chunk);
      }
    } finally {
      await blobs.return(undefined);
    }
    return [...left];
  };

  const restoreRange = async (packId: string, r: PlannedRange<Need>) => {
    const errors = new Map<Need, unknown>();
    let pending = await attempt(packId, r, undefined, errors);
    if (pending.length > 0) {
      for (const versionId of await reader.olderVersions(packId)) {
        const next: Need[] = [];
        for (const rr of coalesce(pending, rangeOpts)) next.push(...(await attempt(packId, rr, versionId, errors)));
        pending = next;
        if (pending.length === 0) break;
      }
    }
    for (const need of pending) {
      const failure = describe(packKeyFor(packId), errors.get(need));
      for (const d of need.dests) sink.skip(d.file, failure);
    }
  };

  const jobs = plan.packs.flatMap((p) => coalesce(p.blobs, rangeOpts).map((r) => ({ packId: p.packId, r })));
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      await restoreRange(job.packId, job.r);
      sink.flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, jobs.length)) }, worker));
    await sink.drained();
  } catch (e) {
    // Only a writer thread dying gets here (read failures are per item): leave no partial behind.
    await sink.close();
    throw new VaultError(`restore into ${root} stopped: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  await sink.close();

  const failed: RestoreFailure[] = [];
  let bytes = 0;
  for (const f of files) {
    if (f.outcome) failed.push({ path: f.item.path, ...f.outcome });
    else bytes += f.item.size;
  }
  return { snapshotId, target: root, items: files.length, bytes, filesWritten: files.length - failed.length, failed, packs: plan.packs.length, ranges };
}

function describe(objectKey: string, err: unknown): FileFailure {
  if (err instanceof VaultIntegrityError) return { kind: "damaged", object: err.objectKey, reason: err.message };
  if (err instanceof VaultFormatError || err instanceof VaultError) return { kind: "damaged", object: objectKey, reason: err.message };
  // A pack the snapshot lists but the bucket does not hold is damage, not an outage (format §11).
  if ((err as { code?: unknown } | null)?.code === "not_found") return { kind: "damaged", object: objectKey, reason: `${objectKey}: missing (${errorText(err)})` };
  if (isStoreError(err)) return { kind: "unreadable", object: objectKey, reason: err.message };
  return { kind: "unreadable", object: objectKey, reason: `${objectKey}: ${err instanceof Error ? err.message : String(err)}` };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}
