// The four commands. Each opens the vault with the recovery key, does one thing and prints for a
// human by default or JSON with --json.
import { normalisePath, parseSample, pickSnapshot, underPath } from "./options";
import { RestoreError, type ErasureInfo, type ItemInfo, type LeftOut, type RestoreFailure, type RestoreOutcome, type RestoreVault, type SnapshotInfo } from "./types";

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

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** "2 items left out: erased from backups (request …, 2026-03-01)". */
export function describeLeftOut(l: LeftOut): string {
  return `${l.items} ${l.items === 1 ? "item" : "items"} left out: erased from backups (request ${l.requestId}, ${day(l.executedAt)})`;
}

/**
 * The selected items minus those the vault's erasure ledger covers (docs/vault-format.md §15).
 * Naming an erased item itself (`path` equal to it) is refused, naming the erasure.
 */
async function withoutErased(vault: RestoreVault, snap: SnapshotInfo, items: ItemInfo[], prefix: string, err: Print): Promise<{ kept: ItemInfo[]; erased: string[]; leftOut: LeftOut[] }> {
  if (!vault.erased) return { kept: items, erased: [], leftOut: [] };
  const { match, problems } = await vault.erased();
  // Not fatal (every authentic version still counts), but someone wrote into the ledger without the key.
  for (const p of problems) err(`WARNING ${p.object}: ${p.problem}\n`);
  const kept: ItemInfo[] = [];
  const erased: string[] = [];
  const byRequest = new Map<string, LeftOut>();
  for (const i of items) {
    const e: ErasureInfo | null = match(snap.unit, i);
    if (!e) {
      kept.push(i);
      continue;
    }
    if (prefix && i.path === prefix) {
      throw new RestoreError(`"${prefix}" was erased from backups (request ${e.requestId}, ${day(e.executedAt)}); it cannot be listed or restored`);
    }
    erased.push(i.path);
    const l = byRequest.get(e.requestId) ?? { reason: "erased" as const, requestId: e.requestId, executedAt: e.executedAt, items: 0 };
    l.items++;
    byRequest.set(e.requestId, l);
  }
  return { kept, erased, leftOut: [...byRequest.values()].sort((a, b) => a.executedAt.localeCompare(b.executedAt)) };
}

export async function listItems(vault: RestoreVault, ref: string, path: string | undefined, out: Print, json: boolean, err: Print = () => undefined): Promise<ItemInfo[]> {
  const snap = pickSnapshot(await vault.snapshots(), ref);
  const prefix = normalisePath(path);
  const all = underPath(await vault.items(snap.id), prefix);
  if (prefix && all.length === 0) throw new RestoreError(`nothing at "${prefix}" in snapshot ${snap.id.slice(0, 12)}`);
  const { kept: items, leftOut } = await withoutErased(vault, snap, all, prefix, err);
  if (json) out(`${JSON.stringify({ items, leftOut }, null, 2)}\n`);
  else {
    for (const i of items) out(`${formatBytes(i.size).padStart(10)}  ${i.path}\n`);
    for (const l of leftOut) err(`${describeLeftOut(l)}\n`);
  }
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
export async function restoreSnapshot(vault: RestoreVault, ref: string, opts: RestoreOptions, out: Print, err: Print): Promise<RestoreOutcome & { leftOut: LeftOut[] }> {
  const snap = pickSnapshot(await vault.snapshots(), ref);
  const prefix = normalisePath(opts.path);
  const all = underPath(await vault.items(snap.id), prefix);
  if (prefix && all.length === 0) throw new RestoreError(`nothing at "${prefix}" in snapshot ${snap.id.slice(0, 12)}`);
  const { kept: items, erased, leftOut } = await withoutErased(vault, snap, all, prefix, err);
  for (const l of leftOut) err(`${describeLeftOut(l)}\n`);
  const total = items.reduce((s, i) => s + i.size, 0);
  err(`restoring ${items.length} items (${formatBytes(total)}) from snapshot ${snap.id.slice(0, 12)} to ${opts.target}\n`);
  let lastReport = Date.now();
  const res = await vault.restore(snap.id, {
    target: opts.target,
    prefix,
    ...(erased.length > 0 ? { exclude: erased } : {}),
    overwrite: opts.overwrite,
    onProgress: (p) => {
      if (Date.now() - lastReport < 2000) return;
      lastReport = Date.now();
      err(`  ${p.itemsDone + p.itemsFailed}/${p.itemsTotal} items, ${formatBytes(p.bytesWritten)} of ${formatBytes(p.bytesTotal)}\n`);
    },
  });
  for (const f of res.failed.slice(0, SHOWN_FAILURES)) err(`FAILED ${f.path}: ${describeFailure(f)}\n`);
  if (res.failed.length > SHOWN_FAILURES) err(`… and ${res.failed.length - SHOWN_FAILURES} more items failed\n`);
  const leftOutCount = leftOut.reduce((n, l) => n + l.items, 0);
  out(`restored ${res.filesWritten} of ${res.items} items (${formatBytes(res.bytes)}) to ${opts.target}${leftOutCount ? `; ${leftOutCount} erased ${leftOutCount === 1 ? "item" : "items"} left out` : ""}\n`);
  if (res.failed.length > 0) {
    throw new RestoreError(`${res.failed.length} of ${res.items} items were not restored (listed above); no file was written in their place`);
  }
  return { ...res, leftOut };
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
