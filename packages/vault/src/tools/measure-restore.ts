// Restore throughput against the local S3 server: per-item `readItem` (one ranged GET per blob, as
// bench/vault/ours.ts and holdfast-restore did) versus `restoreToDirectory` (restore by pack), on the
// same vault in one run. Each restore runs in a child process of its own (so peak RSS is its own)
// and is checked file by file against the source tree.
// Usage: npx tsx src/tools/measure-restore.ts [--profile] [--shm] [--no-items] [--opts=<RestoreOptions JSON>] [source dir] [MiB] [pack concurrency, …]
//   (--shm restores into /dev/shm: file-system cost out of the picture, only the engine's)
//   (--profile writes V8 CPU profiles of the restores to .data/measure-restore/prof/)
//   e.g. npx tsx src/tools/measure-restore.ts ../../node_modules/.pnpm 200 2 3
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { vaultConfig } from "@holdfast/config";
import { LocalKms } from "../crypto/kms";
import { restoreToDirectory, type RestoreOptions } from "../restore";
import { S3ObjectStore } from "../store/s3";
import type { ObjectStore } from "../store/types";
import { createTestBucket } from "../testing";
import { initVault, openVault } from "../vault";

interface State {
  bucket: string;
  snapshotId: string;
  kek: string;
  total: number;
  digests: Record<string, string>;
}
/** Regular files under `root` in sorted path order, up to LIMIT bytes, skipping files over 48 MiB. */
async function pickFiles(root: string, limit: number): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<boolean> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!(await walk(full))) return false;
      } else if (e.isFile()) {
        const { size } = await lstat(full);
        if (size > 48 * 2 ** 20) continue;
        out.push({ rel: relative(root, full).split("\\").join("/"), size });
        total += size;
        if (total >= limit) return false;
      }
    }
    return true;
  };
  await walk(root);
  return out;
}

/** Counts GETs and bytes fetched, passing everything else through. */
function counting(store: ObjectStore): ObjectStore & { gets: number; bytes: number } {
  const c = Object.create(store) as ObjectStore & { gets: number; bytes: number };
  c.gets = 0;
  c.bytes = 0;
  c.get = async (key, range, versionId) => {
    c.gets++;
    const b = await store.get(key, range, versionId);
    c.bytes += b.length;
    return b;
  };
  return c;
}


const KEK = Buffer.alloc(32, 7);
const DATA = resolve(import.meta.dirname, "../../../../.data/measure-restore");

async function child(mode: string, stateFile: string, concurrency: number, base: string, extra: string): Promise<void> {
  const st = JSON.parse(await readFile(stateFile, "utf8")) as State;
  const cfg = vaultConfig();
  const store = counting(new S3ObjectStore({ endpoint: cfg.endpoint, region: cfg.region, bucket: st.bucket, forcePathStyle: true, credentials: cfg }));
  // Under the repository's .data/ like the benchmark: /tmp on the shared dev VM creates files ~60× slower.
  await mkdir(base, { recursive: true });
  const out = await mkdtemp(join(base, `${mode}-`));
  const started = performance.now();
  const v = await openVault(store, { kms: new LocalKms(Buffer.from(st.kek, "hex")), workers: 0 });
  const peaks = { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
  const sampler = setInterval(() => {
    const mu = process.memoryUsage();
    for (const k of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[k] = Math.max(peaks[k], mu[k]);
  }, 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let note = "";
  if (mode === "open") {
    // Baseline: what a restore holds before reading any pack (runtime, SDK, manifest, index).
    const m = await v.readSnapshot(st.snapshotId);
    await v.index.refresh(v.store, v.keys, m.indexes);
    note = "baseline: vault opened, manifest and index loaded";
  } else if (mode === "pack") {
    const report = await restoreToDirectory(v, st.snapshotId, { concurrency, ...(JSON.parse(extra) as RestoreOptions), target: out });
    note = `${report.failed.length ? `${report.failed.length} FAILED, ` : ""}${report.ranges} ranges over ${report.packs} packs, concurrency ${concurrency} ${extra}`;
  } else {
    let next = 0;
    const m = await v.readSnapshot(st.snapshotId);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let item = m.items[next++]; item; item = m.items[next++]) {
          const to = join(out, ...item.path.split("/"));
          await mkdir(dirname(to), { recursive: true });
          await pipeline(Readable.from(v.readItem(st.snapshotId, item.path)), createWriteStream(to));
        }
      }),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const inner = (performance.now() - t0) / 1000;
  const s = (performance.now() - started) / 1000;
  const ru = process.resourceUsage();
  let bad = 0;
  for (const [rel, digest] of Object.entries(st.digests)) {
    const got = await readFile(join(out, ...rel.split("/"))).catch(() => null);
    if (!got || createHash("sha256").update(got).digest("hex") !== digest) bad++;
  }
  await rm(out, { recursive: true, force: true });
  console.log(
    `${({ open: "open only", pack: "restoreToDirectory" }[mode] ?? "readItem per item").padEnd(19)} ${s.toFixed(2).padStart(6)} s ${(st.total / 2 ** 20 / s).toFixed(1).padStart(6)} MiB/s ` +
      `${String(store.gets).padStart(6)} GETs ${(store.bytes / 2 ** 20).toFixed(0).padStart(4)} MiB fetched  CPU ${(ru.userCPUTime / 1e6).toFixed(1)}+${(ru.systemCPUTime / 1e6).toFixed(1)} s  ` +
      `peak RSS ${(ru.maxRSS / 1024).toFixed(0)} MiB  ${bad === 0 ? "identical" : `${bad} FILES DIFFER`}  ${note}\n` +
      `${"".padEnd(19)} restore call alone: ${inner.toFixed(2)} s wall, CPU ${(cpu.user / 1e6).toFixed(2)} user + ${(cpu.system / 1e6).toFixed(2)} sys; ` +
      `peaks (MiB, sampled): ${Object.entries(peaks).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)}`).join(", ")}`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const profile = argv.includes("--profile");
  const shm = argv.includes("--shm");
  const items = !argv.includes("--no-items");
  const extra = argv.find((a) => a.startsWith("--opts="))?.slice("--opts=".length) ?? "{}";
  const [srcArg = "../../node_modules/.pnpm", mibArg = "200", ...concs] = argv.filter((a) => !a.startsWith("--"));
  const root = resolve(srcArg);
  const files = await pickFiles(root, Number(mibArg) * 2 ** 20);
  const tb = await createTestBucket({ prefix: "measure-restore", identities: false });
  const stateFile = join(tmpdir(), `hf-measure-restore-${process.pid}.json`);
  try {
    const { vault: w } = await initVault(tb.writer, { kms: new LocalKms(KEK), retention: { days: 0.02 } });
    const writer = await w.startSnapshot({ source: "m", unit: "u", startedAt: new Date(), retainUntil: new Date(Date.now() + 0.02 * 86_400_000) });
    const digests: Record<string, string> = {};
    let total = 0;
    for (const f of files) {
      const body = await readFile(join(root, f.rel));
      digests[f.rel] = createHash("sha256").update(body).digest("hex");
      total += body.length;
      await writer.putItem(f.rel, Readable.from([body]));
    }
    const snapshotId = await writer.commit();
    await w.close();
    let stored = 0;
    for await (const o of tb.writer.list("data/")) stored += o.size;
    console.log(`corpus: ${files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB from ${srcArg}; ${(stored / 2 ** 20).toFixed(1)} MiB in packs`);
    await writeFile(stateFile, JSON.stringify({ bucket: tb.bucket, snapshotId, kek: KEK.toString("hex"), total, digests } satisfies State));
    const self = fileURLToPath(import.meta.url);
    const runChild = (mode: string, c = "0") =>
      process.stdout.write(execFileSync(process.execPath, [...(profile ? ["--cpu-prof", `--cpu-prof-dir=${DATA}/prof`] : []), "--import", "tsx", self, "--child", mode, stateFile, c, shm ? "/dev/shm/hf-measure-restore" : DATA, extra], { maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "ignore"] }));
    runChild("open");
    for (const c of concs.length ? concs : ["3"]) runChild("pack", c);
    if (items) runChild("items");
  } finally {
    await rm(stateFile, { force: true });
    await tb.cleanup().catch(() => undefined);
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") await child(args[1] ?? "pack", args[2] ?? "", Number(args[3] ?? 3), args[4] ?? DATA, args[5] ?? "{}");
else await main();
process.exit(0);
