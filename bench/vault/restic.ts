// restic over the same S3 server: init, backup, incremental backup, restore — each measured.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { measure, type Measured } from "./measure";
import type { S3Target } from "./s3";

/** A restic built from its Go module into .tools/bin wins over Debian's (0.14, no compression by default). */
export function findRestic(repoRoot: string): { path: string; version: string } {
  for (const path of [join(repoRoot, ".tools/bin/restic"), "/usr/bin/restic"]) {
    if (existsSync(path)) return { path, version: execFileSync(path, ["version"], { encoding: "utf8" }).trim() };
  }
  throw new Error(
    "restic not found. Build it: GOBIN=$PWD/.tools/bin go install github.com/restic/restic/cmd/restic@v0.18.1 (or apt-get install restic)",
  );
}

export interface ResticRun {
  bin: string;
  s3: S3Target;
  bucket: string;
  password: string;
  cacheDir: string;
}

function env(r: ResticRun): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    HOME: r.cacheDir,
    RESTIC_REPOSITORY: `s3:${r.s3.endpoint}/${r.bucket}`,
    RESTIC_PASSWORD: r.password,
    RESTIC_CACHE_DIR: r.cacheDir,
    AWS_ACCESS_KEY_ID: r.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: r.s3.secretAccessKey,
    AWS_DEFAULT_REGION: r.s3.region,
  };
}

const S3_OPTS = ["-o", "s3.bucket-lookup=path"];

export async function resticInit(r: ResticRun): Promise<void> {
  await measure(r.bin, ["init", ...S3_OPTS], { env: env(r), label: "restic init" });
}

/** Backs up the corpus's contents (`.` from inside it) so a restore lands them at the target's root. */
export async function resticBackup(r: ResticRun, corpus: string): Promise<Measured> {
  return measure(r.bin, ["backup", ...S3_OPTS, "--host", "holdfast-bench", "--quiet", "."], { env: env(r), cwd: corpus, label: "restic backup" });
}

export async function resticRestore(r: ResticRun, target: string): Promise<Measured> {
  return measure(r.bin, ["restore", ...S3_OPTS, "latest", "--target", target, "--quiet"], { env: env(r), label: "restic restore" });
}
