// Runs one command under GNU time and reports wall time and peak RSS, the same way for restic and
// for our engine (which runs in its own Node process for exactly this reason).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const GNU_TIME = "/usr/bin/time";

export interface Measured {
  wallSeconds: number;
  maxRssBytes: number;
  stdout: string;
  stderr: string;
}

export class CommandFailed extends Error {
  override name = "CommandFailed";
}

/** Parses `/usr/bin/time -v` output; returns the "Maximum resident set size" in bytes. */
export function parseMaxRss(timeOutput: string): number {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput);
  if (!m?.[1]) throw new Error(`no "Maximum resident set size" in GNU time output:\n${timeOutput}`);
  return Number(m[1]) * 1024;
}

export async function measure(cmd: string, args: string[], opts: { env: Record<string, string>; cwd?: string; label: string }): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), "hf-bench-"));
  const timeFile = join(dir, "time.txt");
  try {
    const started = process.hrtime.bigint();
    const child = spawn(GNU_TIME, ["-v", "-o", timeFile, cmd, ...args], { env: opts.env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new CommandFailed(`${opts.label}: ${cmd} ${args.join(" ")} exited with ${code}\n${stderr.slice(-4000)}`);
    return { wallSeconds, maxRssBytes: parseMaxRss(await readFile(timeFile, "utf8")), stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
