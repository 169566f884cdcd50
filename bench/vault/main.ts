// `pnpm bench:vault`: our vault engine against restic on the same corpus, the same S3 server and
// the same machine — first backup, incremental backup after a ~5% mutation, restore — with wall
// time, stored bytes and peak RSS for each, printed as ratios ours/restic and saved as JSON.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { ensureStack } from "@holdfast/local-stack";
import { buildCorpus, mutateCorpus, specKey, type CorpusInfo, type CorpusSpec, type MutationReport } from "./corpus";
import { GNU_TIME } from "./measure";
import { oursBackup, oursCliRestore, oursInit, oursRestore, type OursRun } from "./ours-run";
import { formatTable, rows, type ToolFigures } from "./report";
import { findRestic, resticBackup, resticInit, resticRestore, type ResticRun } from "./restic";
import { bucketUsage, createBucket, s3Client, type S3Target } from "./s3";
import { describeDiff, diffTrees, hashTree, type TreeDigest } from "./tree";

const MiB = 1024 * 1024;
const SEED = "holdfast-bench-v1";
const repoRoot = resolve(import.meta.dirname, "../..");
const dataDir = join(repoRoot, ".data/bench");

// `pnpm bench:vault -- --size-mib 50` passes the "--" through; drop it.
const argv = process.argv.slice(2);
const { values: args } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    "size-mib": { type: "string", default: "1050" },
    only: { type: "string" },
    "keep-restores": { type: "boolean", default: false },
    "skip-cli-restore": { type: "boolean", default: false },
    "corpus-only": { type: "boolean", default: false },
  },
});
const sizeMiB = Number(args["size-mib"]);
if (!Number.isFinite(sizeMiB) || sizeMiB < 8) throw new Error("--size-mib must be a number ≥ 8");
const runRestic = args.only !== "ours";
const runOurs = args.only !== "restic";

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function prepareCorpus(): Promise<{ spec: CorpusSpec; info: CorpusInfo }> {
  // 1/7 of the corpus is incompressible (150 MiB of 1050 at full size), the rest real files.
  const spec: CorpusSpec = {
    root: join(dataDir, "corpus"),
    realBytes: Math.round((sizeMiB * MiB * 6) / 7),
    randomBytes: Math.round((sizeMiB * MiB) / 7),
    sources: [
      { label: "pnpm-store", dir: join(repoRoot, "node_modules/.pnpm") },
      { label: "usr-share", dir: "/usr/share" },
      { label: "usr-lib", dir: "/usr/lib" },
    ],
    seed: SEED,
  };
  const stateFile = join(dataDir, "corpus.state.json");
  const state = existsSync(stateFile) ? (JSON.parse(await readFile(stateFile, "utf8")) as { key: string; stage: string; info: CorpusInfo }) : undefined;
  if (state?.key === specKey(spec) && state.stage === "base" && existsSync(spec.root)) {
    log(`corpus: reusing ${spec.root} (${(state.info.bytes / MiB).toFixed(0)} MiB, ${state.info.files} files)`);
    return { spec, info: state.info };
  }
  log(`corpus: building ${sizeMiB} MiB in ${spec.root}`);
  const info = await buildCorpus(spec);
  await writeFile(stateFile, JSON.stringify({ key: specKey(spec), stage: "base", info }));
  log(`corpus: ${(info.bytes / MiB).toFixed(0)} MiB in ${info.files} files ${JSON.stringify(info.bySource)}`);
  return { spec, info };
}

async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (!keys.length) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

async function verifyRestore(label: string, expected: TreeDigest, dir: string): Promise<string> {
  const verdict = describeDiff(diffTrees(expected, await hashTree(dir)));
  log(`${label} restore: ${verdict}`);
  if (!args["keep-restores"]) await rm(dir, { recursive: true, force: true });
  return verdict;
}

async function main(): Promise<void> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: apt-get install time`);
  await mkdir(dataDir, { recursive: true });
  const stack = await ensureStack({ services: ["vault"] });
  const target: S3Target = {
    endpoint: stack.s3Endpoint,
    region: stack.s3.region,
    accessKeyId: stack.s3.accessKeyId ?? "",
    secretAccessKey: stack.s3.secretAccessKey ?? "",
  };
  const s3 = s3Client(target);
  const runId = `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15).toLowerCase()}-${randomBytes(3).toString("hex")}`;
  const restic = findRestic(repoRoot);
  log(`${restic.version}; S3 at ${target.endpoint}; run ${runId}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const { spec, info } = await prepareCorpus();
  if (args["corpus-only"]) return;
  const base = await hashTree(spec.root);

  const r: ResticRun = { bin: restic.path, s3: target, bucket: `bench-restic-${runId}`, password: "holdfast-bench-password", cacheDir: join(dataDir, `restic-cache-${runId}`) };
  const o: OursRun = { repoRoot, s3: target, bucket: `bench-ours-${runId}`, stateFile: join(dataDir, `ours-${runId}.json`) };
  const figures: { restic: ToolFigures; ours: ToolFigures } = { restic: {}, ours: {} };

  let oursReady = false;
  if (runOurs) {
    await createBucket(s3, o.bucket, true);
    try {
      await oursInit(o);
      oursReady = true;
    } catch (err) {
      figures.ours.pending = err instanceof Error ? err.message.split("\n")[0] : String(err);
      log(`ours: pending — ${figures.ours.pending}`);
    }
  }
  if (runRestic) {
    await createBucket(s3, r.bucket, false);
    await resticInit(r);
  }

  // Phase 1: first backup.
  if (runRestic) {
    log("restic: first backup");
    const m = await resticBackup(r, spec.root);
    figures.restic.firstBackup = { seconds: m.wallSeconds, bytes: base.bytes, maxRssBytes: m.maxRssBytes };
    log(`restic: first backup ${m.wallSeconds.toFixed(1)} s, RSS ${(m.maxRssBytes / MiB).toFixed(0)} MiB`);
  }
  if (oursReady) {
    log("ours: first backup");
    const m = await oursBackup(o, spec.root);
    figures.ours.firstBackup = { seconds: m.wallSeconds, bytes: base.bytes, maxRssBytes: m.maxRssBytes };
    log(`ours: first backup ${m.wallSeconds.toFixed(1)} s, RSS ${(m.maxRssBytes / MiB).toFixed(0)} MiB ${m.stdout.trim()}`);
  }

  // Phase 2: mutate ~5%, incremental backup.
  log("corpus: mutating ~5%");
  await writeFile(join(dataDir, "corpus.state.json"), JSON.stringify({ key: specKey(spec), stage: "mutated", info }));
  const mutation: MutationReport = await mutateCorpus(spec.root, SEED);
  log(`corpus: mutation ${JSON.stringify(mutation)}`);
  const mutated = await hashTree(spec.root);
  if (runRestic) {
    log("restic: incremental backup");
    const m = await resticBackup(r, spec.root);
    figures.restic.incrementalBackup = { seconds: m.wallSeconds, bytes: mutated.bytes, maxRssBytes: m.maxRssBytes };
    log(`restic: incremental ${m.wallSeconds.toFixed(1)} s`);
    figures.restic.stored = await bucketUsage(s3, r.bucket);
  }
  if (oursReady) {
    log("ours: incremental backup");
    const m = await oursBackup(o, spec.root);
    figures.ours.incrementalBackup = { seconds: m.wallSeconds, bytes: mutated.bytes, maxRssBytes: m.maxRssBytes };
    log(`ours: incremental ${m.wallSeconds.toFixed(1)} s ${m.stdout.trim()}`);
    figures.ours.stored = await bucketUsage(s3, o.bucket);
  }

  // Phase 3: restore the latest snapshot and compare with the mutated corpus.
  if (runRestic) {
    const dir = join(dataDir, `restore-restic-${runId}`);
    log("restic: restore");
    const m = await resticRestore(r, dir);
    figures.restic.restore = { seconds: m.wallSeconds, bytes: mutated.bytes, maxRssBytes: m.maxRssBytes, verified: await verifyRestore("restic", mutated, dir) };
  }
  if (oursReady) {
    const dir = join(dataDir, `restore-ours-${runId}`);
    log("ours: restore");
    const m = await oursRestore(o, dir);
    figures.ours.restore = { seconds: m.wallSeconds, bytes: mutated.bytes, maxRssBytes: m.maxRssBytes, verified: await verifyRestore("ours", mutated, dir) };
    if (!args["skip-cli-restore"]) {
      const cliDir = join(dataDir, `restore-cli-${runId}`);
      log("ours: restore through holdfast-restore");
      const c = await oursCliRestore(o, cliDir);
      figures.ours.cliRestore = { seconds: c.wallSeconds, bytes: mutated.bytes, maxRssBytes: c.maxRssBytes, verified: await verifyRestore("holdfast-restore", mutated, cliDir) };
    }
  }

  const table = rows(figures.restic, figures.ours);
  process.stdout.write(
    `\nvault benchmark ${runId}: corpus ${(base.bytes / MiB).toFixed(0)} MiB / ${base.files.size} files, ` +
      `mutation ${(mutation.fraction * 100).toFixed(1)}%, ${restic.version.split(" compiled")[0]}\n\n${formatTable(table)}\n`,
  );
  if (figures.ours.pending) process.stdout.write(`\nours: pending — ${figures.ours.pending}\n`);
  for (const [tool, f] of Object.entries(figures)) if (f.restore) process.stdout.write(`${tool} restore check: ${f.restore.verified}\n`);
  if (figures.ours.cliRestore) process.stdout.write(`holdfast-restore check: ${figures.ours.cliRestore.verified}\n`);

  await mkdir(join(repoRoot, "bench/results"), { recursive: true });
  const out = join(repoRoot, `bench/results/vault-${runId.slice(0, 8)}${sizeMiB === 1050 ? "" : `-${sizeMiB}mib`}.json`);
  const record = {
    runId,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAvgAtEnd: loadavg() },
    restic: restic.version,
    corpus: { sizeMiB, files: base.files.size, bytes: base.bytes, digest: base.digest, bySource: info.bySource, mutation, mutatedBytes: mutated.bytes, mutatedDigest: mutated.digest },
    figures,
    table,
  };
  await writeFile(out, `${JSON.stringify(record, null, 2)}\n`);
  log(`wrote ${out}`);

  if (runRestic) await emptyAndDeleteBucket(s3, r.bucket).catch((err: unknown) => log(`could not remove ${r.bucket}: ${String(err)}`));
  await rm(r.cacheDir, { recursive: true, force: true });
  s3.destroy();
}

await main();
