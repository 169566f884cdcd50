// Parent side of our engine's benchmark: each operation runs `ours.ts` in its own Node process
// under GNU time, so its wall time and peak RSS are measured exactly like restic's. The child runs
// as one bundled JavaScript file, as a deployment would run it, not through the tsx loader (which
// cost every operation ~0.45 s of start-up and ~30 MiB of RSS: a loader thread and the TypeScript
// transform).
import { build } from "esbuild";
import { measure, type Measured } from "./measure";
import type { S3Target } from "./s3";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface OursRun {
  repoRoot: string;
  s3: S3Target;
  bucket: string;
  /** JSON file the child keeps the KEK and recovery key in between operations. */
  stateFile: string;
}

let bundled: Promise<string> | undefined;

/**
 * Bundles ours.ts (and @holdfast/vault, the AWS SDK) once per run. The bundle lives under
 * packages/vault/node_modules so that the native zstd binding, left out of the bundle, resolves
 * exactly as it does for the engine's own source.
 */
export function oursBundle(repoRoot: string): Promise<string> {
  const outfile = join(repoRoot, "packages/vault/node_modules/.cache/holdfast-bench/ours.mjs");
  bundled ??= build({
    entryPoints: [join(repoRoot, "bench/vault/ours.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["zstd-napi", "zstd-napi/*"],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: "warning",
  }).then(() => outfile);
  return bundled;
}

async function run(o: OursRun, op: string, dir?: string): Promise<Measured> {
  const args = [await oursBundle(o.repoRoot), op, JSON.stringify({ ...o.s3, bucket: o.bucket, stateFile: o.stateFile, dir })];
  // A fixed, minimal environment: the child gets everything it needs through argv.
  return measure(process.execPath, args, { env: { PATH: "/usr/bin:/bin", HOME: "/tmp", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, cwd: o.repoRoot, label: `ours ${op}` });
}

export async function oursInit(o: OursRun): Promise<void> {
  await run(o, "init");
}

export const oursBackup = (o: OursRun, corpus: string) => run(o, "backup", corpus);
export const oursRestore = (o: OursRun, target: string) => run(o, "restore", target);

/** The same restore through the standalone holdfast-restore CLI, with only what a customer would hold. */
export async function oursCliRestore(o: OursRun, target: string): Promise<Measured> {
  const { recoveryKey } = JSON.parse(await readFile(o.stateFile, "utf8")) as { recoveryKey: string };
  const args = ["--import", "tsx", join(o.repoRoot, "apps/cli/src/restore/main.ts"), "restore", "latest", "--target", target];
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: "/tmp",
    AWS_ENDPOINT_URL_S3: o.s3.endpoint,
    AWS_REGION: o.s3.region,
    AWS_ACCESS_KEY_ID: o.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: o.s3.secretAccessKey,
    HOLDFAST_VAULT_BUCKET: o.bucket,
    HOLDFAST_RECOVERY_KEY: recoveryKey,
  };
  return measure(process.execPath, args, { env, cwd: join(o.repoRoot, "apps/cli"), label: "holdfast-restore" });
}
