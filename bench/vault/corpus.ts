// The benchmark corpus: real installed package content nobody here wrote (the pnpm store tree,
// then /usr/share), topped up with incompressible bytes, then a deterministic ~5% mutation.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, copyFile, mkdir, open, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Rng } from "./rng";
import { listFiles, walkFiles } from "./tree";

const MiB = 1024 * 1024;

export interface CorpusSpec {
  root: string;
  /** Bytes copied from real files, in source order. */
  realBytes: number;
  /** Bytes of seeded random data (compresses to nothing, dedups with nothing). */
  randomBytes: number;
  sources: { label: string; dir: string }[];
  seed: string;
}

export interface CorpusInfo {
  files: number;
  bytes: number;
  bySource: Record<string, { files: number; bytes: number }>;
}

/** Files larger than this are skipped so one binary cannot dominate the corpus. */
const MAX_FILE = 48 * MiB;

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export function specKey(spec: CorpusSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 16);
}

export async function buildCorpus(spec: CorpusSpec): Promise<CorpusInfo> {
  await rm(spec.root, { recursive: true, force: true });
  await mkdir(spec.root, { recursive: true });
  const info: CorpusInfo = { files: 0, bytes: 0, bySource: {} };
  let budget = spec.realBytes;
  for (const src of spec.sources) {
    if (budget <= 0) break;
    const picked: string[] = [];
    let bytes = 0;
    for await (const f of walkFiles(src.dir)) {
      if (f.size > MAX_FILE || f.size > budget) continue;
      picked.push(f.rel);
      bytes += f.size;
      budget -= f.size;
      if (budget < 4096) break;
    }
    await pool(picked, 8, async (rel) => {
      const to = join(spec.root, src.label, rel);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(join(src.dir, rel), to);
    });
    info.bySource[src.label] = { files: picked.length, bytes };
    info.files += picked.length;
    info.bytes += bytes;
  }

  // Random files of 4 KiB–16 MiB until the random budget is spent.
  const rng = new Rng(`${spec.seed}/random-files`);
  const stream = rng.stream("content");
  let left = spec.randomBytes;
  let n = 0;
  while (left > 0) {
    const size = Math.min(left, Math.floor(4096 * Math.pow(2, rng.next() * 12)));
    const to = join(spec.root, "random", `${String(Math.floor(n / 50)).padStart(3, "0")}`, `blob-${String(n).padStart(5, "0")}.bin`);
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, stream.bytes(size));
    left -= size;
    n++;
  }
  info.bySource.random = { files: n, bytes: spec.randomBytes };
  info.files += n;
  info.bytes += spec.randomBytes;
  return info;
}

export interface MutationReport {
  edited: { files: number; fileBytes: number; bytesWritten: number };
  appended: { files: number; bytesAdded: number };
  added: { files: number; bytes: number };
  deleted: { files: number; bytes: number };
  /** (edited file bytes + appended + added + deleted) / corpus bytes before. */
  fraction: number;
}

/**
 * Changes ~5% of the corpus in place, the same way every run: edits in the middle of files (2%
 * of the bytes, by file size), appends (1%), new files (1%: random, plus edited copies of
 * existing files, which dedup partly) and deletions (1%).
 */
export async function mutateCorpus(root: string, seed: string): Promise<MutationReport> {
  const files = await listFiles(root);
  const total = files.reduce((s, f) => s + f.size, 0);
  const rng = new Rng(`${seed}/mutation`);
  const stream = rng.stream("content");
  const order = rng.shuffle(files.filter((f) => f.size >= 64));
  const report: MutationReport = {
    edited: { files: 0, fileBytes: 0, bytesWritten: 0 },
    appended: { files: 0, bytesAdded: 0 },
    added: { files: 0, bytes: 0 },
    deleted: { files: 0, bytes: 0 },
    fraction: 0,
  };
  const budgets = { edit: total * 0.02, append: total * 0.01, del: total * 0.01 };
  const copies: string[] = [];
  for (const f of order) {
    const path = join(root, f.rel);
    if (report.edited.fileBytes < budgets.edit && f.size <= budgets.edit - report.edited.fileBytes + MiB) {
      const fh = await open(path, "r+");
      try {
        const edits = rng.int(1, 3);
        for (let i = 0; i < edits; i++) {
          const len = Math.min(f.size, rng.int(16, 4096));
          const at = Math.floor(f.size / 4 + rng.next() * Math.max(0, f.size / 2 - len));
          await fh.write(stream.bytes(len), 0, len, at);
          report.edited.bytesWritten += len;
        }
      } finally {
        await fh.close();
      }
      report.edited.files++;
      report.edited.fileBytes += f.size;
    } else if (report.appended.bytesAdded < budgets.append) {
      const add = Math.max(256, Math.floor(f.size * (0.05 + rng.next() * 0.2)));
      await appendFile(path, stream.bytes(add));
      report.appended.files++;
      report.appended.bytesAdded += add;
    } else if (report.deleted.bytes < budgets.del && f.size <= budgets.del - report.deleted.bytes + MiB) {
      if (copies.length < 40 && rng.next() < 0.5) copies.push(f.rel);
      else {
        await unlink(path);
        report.deleted.files++;
        report.deleted.bytes += f.size;
      }
    }
  }

  // New files: edited copies of existing ones (mostly duplicate content) and fresh random data.
  for (const rel of copies) {
    if (!existsSync(join(root, rel))) continue;
    const body = await readFile(join(root, rel));
    const to = join(root, "added", "copies", rel);
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, Buffer.concat([Buffer.from(`# copied by the benchmark mutation\n`), body]));
    report.added.files++;
    report.added.bytes += body.length + 35;
  }
  let left = total * 0.01 - report.added.bytes;
  let n = 0;
  while (left > 0) {
    const size = Math.min(Math.max(1, Math.floor(left)), rng.int(4096, 4 * MiB));
    const to = join(root, "added", "random", `new-${String(n).padStart(4, "0")}.bin`);
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, stream.bytes(size));
    report.added.files++;
    report.added.bytes += size;
    left -= size;
    n++;
  }
  report.fraction = (report.edited.fileBytes + report.appended.bytesAdded + report.added.bytes + report.deleted.bytes) / total;
  return report;
}
