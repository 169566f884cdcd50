// The four commands. Each opens the vault with the recovery key, does one thing and prints for a
// human by default or JSON with --json.
import { normalisePath, parseSample, pickSnapshot, underPath } from "./options";
import { RestoreError, type ItemInfo, type RestoreVault, type SnapshotInfo } from "./types";
import { destination, writeItem } from "./write-tree";

type Print = (text: string) => void;

const RESTORE_CONCURRENCY = 8;
const LARGE_CONCURRENCY = 2;
const LARGE_ITEM = 1024 * 1024;

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

export async function restoreSnapshot(vault: RestoreVault, ref: string, opts: RestoreOptions, out: Print, err: Print): Promise<{ items: number; bytes: number }> {
  const snap = pickSnapshot(await vault.snapshots(), ref);
  const prefix = normalisePath(opts.path);
  const items = underPath(await vault.items(snap.id), prefix);
  if (prefix && items.length === 0) throw new RestoreError(`nothing at "${prefix}" in snapshot ${snap.id.slice(0, 12)}`);
  const total = items.reduce((s, i) => s + i.size, 0);
  err(`restoring ${items.length} items (${formatBytes(total)}) from snapshot ${snap.id.slice(0, 12)} to ${opts.target}\n`);
  let bytes = 0;
  let done = 0;
  let lastReport = Date.now();
  let next = 0;
  let failed = false;
  let large = 0;
  const waiting: (() => void)[] = [];
  // Several items in flight, since small items are bound by request latency; but few large ones,
  // since each reads several multi-MiB chunks ahead.
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as ItemInfo;
      const isLarge = item.size > LARGE_ITEM;
      while (isLarge && large >= LARGE_CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
      if (isLarge) large++;
      try {
        await writeItem(destination(opts.target, item.path), vault.read(snap.id, item.path), item.size, opts.overwrite);
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        if (isLarge) {
          large--;
          waiting.shift()?.();
        }
      }
      bytes += item.size;
      done++;
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        err(`  ${done}/${items.length} items, ${formatBytes(bytes)} of ${formatBytes(total)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESTORE_CONCURRENCY, items.length) }, worker));
  out(`restored ${items.length} items (${formatBytes(bytes)}) to ${opts.target}\n`);
  return { items: items.length, bytes };
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
