// The four commands. Each opens the vault with the recovery key, does one thing and prints for a
// human by default or JSON with --json.
import { normalisePath, parseSample, pickSnapshot, underPath } from "./options";
import { RestoreError, type ItemInfo, type RestoreFailure, type RestoreOutcome, type RestoreVault, type SnapshotInfo } from "./types";

type Print = (text: string) => void;

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export async function listSnapshots(vault: RestoreVault, out: Print, json: boolean): Promise<SnapshotInfo[]> {
  const all = await vault.snapshots();
  if (json) out(`${JSON.stringify(all, null, 2)}\n`);
  else if (all.length === 0) out("no snapshots\n");
  else {
    out("ID            COMMITTED                 SOURCE / UNIT                     ITEMS        SIZE  RETAIN UNTIL\n");
    for (const s of all) {
      out(
        `${s.id.slice(0, 12)}  ${s.committedAt.padEnd(24)}  ${`${s.source} / ${s.unit}`.padEnd(32).slice(0, 32)}  ${String(s.items).padStart(6)}  ${formatBytes(s.bytes).padStart(10)}  ${s.retainUntil}\n`,
      );
    }
  }
  return all;
}

export async function listItems(vault: RestoreVault, ref: string, path: string | undefined, out: Print, json: boolean): Promise<ItemInfo[]> {
  const snap = pickSnapshot(await vault.snapshots(), ref);
  const prefix = normalisePath(path);
  const items = underPath(await vault.items(snap.id), prefix);
  if (prefix && items.length === 0) throw new RestoreError(`nothing at "${prefix}" in snapshot ${snap.id.slice(0, 12)}`);
  if (json) out(`${JSON.stringify(items, null, 2)}\n`);
  else for (const i of items) out(`${formatBytes(i.size).padStart(10)}  ${i.path}\n`);
  return items;
}

export interface RestoreOptions {
  path?: string;
  target: string;
  overwrite: boolean;
}

const SHOWN_FAILURES = 20;

function describeFailure(f: RestoreFailure): string {
  if (f.kind === "exists") return `${f.object} already exists (use --overwrite to replace it)`;
  return f.reason;
}

/**
 * Restores a snapshot, folder or item through the engine's restore-by-pack. Items that cannot be
 * restored are listed and make the command fail (exit 1); the others are restored regardless.
 */
export async function restoreSnapshot(vault: RestoreVault, ref: string, opts: RestoreOptions, out: Print, err: Print): Promise<RestoreOutcome> {
  const snap = pickSnapshot(await vault.snapshots(), ref);
  const prefix = normalisePath(opts.path);
  const items = underPath(await vault.items(snap.id), prefix);
  if (prefix && items.length === 0) throw new RestoreError(`nothing at "${prefix}" in snapshot ${snap.id.slice(0, 12)}`);
  const total = items.reduce((s, i) => s + i.size, 0);
  err(`restoring ${items.length} items (${formatBytes(total)}) from snapshot ${snap.id.slice(0, 12)} to ${opts.target}\n`);
  let lastReport = Date.now();
  const res = await vault.restore(snap.id, {
    target: opts.target,
    prefix,
    overwrite: opts.overwrite,
    onProgress: (p) => {
      if (Date.now() - lastReport < 2000) return;
      lastReport = Date.now();
      err(`  ${p.itemsDone + p.itemsFailed}/${p.itemsTotal} items, ${formatBytes(p.bytesWritten)} of ${formatBytes(p.bytesTotal)}\n`);
    },
  });
  for (const f of res.failed.slice(0, SHOWN_FAILURES)) err(`FAILED ${f.path}: ${describeFailure(f)}\n`);
  if (res.failed.length > SHOWN_FAILURES) err(`… and ${res.failed.length - SHOWN_FAILURES} more items failed\n`);
  out(`restored ${res.filesWritten} of ${res.items} items (${formatBytes(res.bytes)}) to ${opts.target}\n`);
  if (res.failed.length > 0) {
    throw new RestoreError(`${res.failed.length} of ${res.items} items were not restored (listed above); no file was written in their place`);
  }
  return res;
}

export async function verifyVault(vault: RestoreVault, sample: string | undefined, out: Print, json: boolean): Promise<boolean> {
  const res = await vault.verify({ sample: parseSample(sample) });
  if (json) out(`${JSON.stringify(res, null, 2)}\n`);
  else {
    out(`checked ${res.snapshots} snapshots, ${res.packsChecked} packs, ${res.blobsChecked} blobs\n`);
    for (const p of res.problems) out(`PROBLEM ${p.object}: ${p.problem}\n`);
    out(res.problems.length ? `${res.problems.length} problems found\n` : "no problems found\n");
  }
  return res.problems.length === 0;
}
